//! Dense float math in Rust: the Mandelbrot set on a SIZE x SIZE grid
//! (argv[1]), counting iterations, written as iterator chains.
fn main() {
    let size: usize = std::env::args().nth(1).map_or(2000, |a| a.parse().unwrap());
    let max_iter = 200;
    let rows: Vec<(u64, u32)> = (0..size)
        .map(|y| {
            let ci = 2.0 * y as f64 / size as f64 - 1.0;
            (0..size)
                .map(|x| {
                    let cr = 2.5 * x as f64 / size as f64 - 2.0;
                    let (mut zr, mut zi, mut i) = (0.0f64, 0.0f64, 0);
                    while i < max_iter && zr * zr + zi * zi <= 4.0 {
                        let t = zr * zr - zi * zi + cr;
                        zi = 2.0 * zr * zi + ci;
                        zr = t;
                        i += 1;
                    }
                    (i as u64, (i == max_iter) as u32)
                })
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        })
        .collect();
    let iterations: u64 = rows.iter().map(|r| r.0).sum();
    let inside: u32 = rows.iter().map(|r| r.1).sum();
    println!("{size}x{size}: {iterations} iterations, {inside} points inside");
}
