//! Indirect calls in Rust: an expression tree evaluated through trait
//! objects (`Box<dyn Expr>`) and closures in a Vec, ROUNDS times (argv[1]).
trait Expr {
    fn eval(&self, x: f64) -> f64;
    fn size(&self) -> usize;
}
struct Var;
struct Const(f64);
struct Add(Box<dyn Expr>, Box<dyn Expr>);
struct Mul(Box<dyn Expr>, Box<dyn Expr>);
struct Sin(Box<dyn Expr>);

impl Expr for Var {
    fn eval(&self, x: f64) -> f64 { x }
    fn size(&self) -> usize { 1 }
}
impl Expr for Const {
    fn eval(&self, _: f64) -> f64 { self.0 }
    fn size(&self) -> usize { 1 }
}
impl Expr for Add {
    fn eval(&self, x: f64) -> f64 { self.0.eval(x) + self.1.eval(x) }
    fn size(&self) -> usize { 1 + self.0.size() + self.1.size() }
}
impl Expr for Mul {
    fn eval(&self, x: f64) -> f64 { self.0.eval(x) * self.1.eval(x) }
    fn size(&self) -> usize { 1 + self.0.size() + self.1.size() }
}
impl Expr for Sin {
    // A polynomial, not libm's sin: native and wasm libms may differ.
    fn eval(&self, x: f64) -> f64 {
        let v = self.0.eval(x) % 3.0;
        v - v * v * v / 6.0 + v * v * v * v * v / 120.0
    }
    fn size(&self) -> usize { 1 + self.0.size() }
}

fn build(depth: u32, seed: &mut u32) -> Box<dyn Expr> {
    *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    if depth == 0 {
        return if *seed >> 31 == 0 { Box::new(Var) } else { Box::new(Const((*seed >> 20) as f64 / 4096.0)) };
    }
    match *seed >> 30 {
        0 => Box::new(Add(build(depth - 1, seed), build(depth - 1, seed))),
        1 => Box::new(Mul(build(depth - 1, seed), build(depth - 1, seed))),
        2 => Box::new(Sin(build(depth - 1, seed))),
        _ => Box::new(Add(build(depth - 1, seed), Box::new(Const(0.5)))),
    }
}

fn main() {
    let rounds: u32 = std::env::args().nth(1).map_or(6000, |a| a.parse().unwrap());
    let mut seed = 42;
    let trees: Vec<Box<dyn Expr>> = (0..64).map(|_| build(9, &mut seed)).collect();
    let steps: Vec<Box<dyn Fn(u64) -> u64>> = vec![
        Box::new(|v| v.wrapping_mul(6_364_136_223_846_793_005)),
        Box::new(|v| v ^ (v >> 29)),
        Box::new(|v| v.rotate_left(17)),
        Box::new(|v| v.wrapping_add(0x9e37_79b9)),
    ];
    let mut total = 0.0f64;
    let mut h = 0u64;
    for round in 0..rounds {
        let x = round as f64 / rounds as f64;
        for t in &trees {
            total += t.eval(x).clamp(-1e6, 1e6);
        }
        for i in 0..20_000u64 {
            h = steps[(i as usize + round as usize) % steps.len()](h ^ i);
        }
    }
    let nodes: usize = trees.iter().map(|t| t.size()).sum();
    println!("{nodes} nodes, total {total:.6e}, hash {h:016x}");
}
