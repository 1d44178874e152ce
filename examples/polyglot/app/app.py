# The Python part: a command that uses the Rust, the C and the
# JavaScript component.
from wit_world import exports
from wit_world.imports import checksum, format, text


class Run(exports.Run):
    def run(self) -> None:
        print(format.banner("polyglot", 40))
        line = "kiln compiles components from four languages into one program"
        print(text.upper(line))
        print("longest words:", ", ".join(text.words(line)[:3]))
        s = text.stats([len(w) for w in line.split()])
        print(f"{s.count} words, {s.min} to {s.max} letters, {s.sum} in all")
        print(f"adler32: {checksum.adler32(line.encode()):08x}")
