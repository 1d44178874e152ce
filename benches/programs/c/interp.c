// A bytecode interpreter loop: a small stack machine runs a program that
// counts primes below LIMIT (argv[1]) by trial division.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JMP, JZ, JNZ, DUP, DROP, HALT };

static int64_t run(const int32_t *code, int64_t *vars) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case LOAD: stack[sp++] = vars[code[pc++]]; break;
      case STORE: vars[code[pc++]] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case JMP: pc = code[pc]; break;
      case JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
      case JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case DROP: sp--; break;
      case HALT: return vars[0];
      default: return -1;
    }
  }
}

static int32_t program[256];
static int len, labels[8], fixups[32][2], nfix;

static void emit(int32_t op) { program[len++] = op; }
static void arg(int32_t op, int32_t a) { emit(op); emit(a); }
static void jump(int32_t op, int label) { emit(op); fixups[nfix][0] = len; fixups[nfix++][1] = label; emit(0); }
static void mark(int label) { labels[label] = len; }

int main(int argc, char **argv) {
  int32_t limit = argc > 1 ? atoi(argv[1]) : 480000;
  enum { COUNT, N, D, LIMIT, FLAG };
  enum { LOOP_N, LOOP_D, NEXT_D, DONE_D, END };
  // for n in 2..limit: flag = 1; for d = 2; d*d <= n; d++: if n % d == 0 { flag = 0; break }; count += flag
  arg(PUSH, 2); arg(STORE, N);
  mark(LOOP_N); arg(LOAD, N); arg(LOAD, LIMIT); emit(LT); jump(JZ, END);
  arg(PUSH, 2); arg(STORE, D); arg(PUSH, 1); arg(STORE, FLAG);
  mark(LOOP_D); arg(LOAD, D); emit(DUP); emit(MUL); arg(LOAD, N); arg(PUSH, 1); emit(ADD); emit(LT); jump(JZ, DONE_D);
  arg(LOAD, N); arg(LOAD, D); emit(MOD); jump(JNZ, NEXT_D);
  arg(PUSH, 0); arg(STORE, FLAG); jump(JMP, DONE_D);
  mark(NEXT_D); arg(LOAD, D); arg(PUSH, 1); emit(ADD); arg(STORE, D); jump(JMP, LOOP_D);
  mark(DONE_D); arg(LOAD, COUNT); arg(LOAD, FLAG); emit(ADD); arg(STORE, COUNT);
  arg(LOAD, N); arg(PUSH, 1); emit(ADD); arg(STORE, N); jump(JMP, LOOP_N);
  mark(END); emit(HALT);
  for (int i = 0; i < nfix; i++) program[fixups[i][0]] = labels[fixups[i][1]];
  int64_t vars[8] = {0};
  vars[LIMIT] = limit;
  printf("primes below %d: %lld\n", limit, (long long)run(program, vars));
  return 0;
}
