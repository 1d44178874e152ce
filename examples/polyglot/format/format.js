// The JavaScript part: framing text, for the Python part to print.
export const format = {
  banner(title, width) {
    const inner = Math.max(width, title.length + 4) - 2;
    const left = Math.floor((inner - title.length) / 2);
    const line = "+" + "-".repeat(inner) + "+";
    const middle =
      "|" + " ".repeat(left) + title + " ".repeat(inner - left - title.length) + "|";
    return [line, middle, line].join("\n");
  },
};
