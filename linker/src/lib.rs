//! Links kiln objects (and, for executables, the runtime archive) with
//! LLVM's lld. No LLVM library code: lld runs as a program.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum LinkError {
    #[error("cannot find the linker ld.lld-22 (install lld-22, or run `cargo xtask setup`)")]
    NoLinker,
    #[error("cannot find llvm-objcopy-22 (install llvm-22, or run `cargo xtask setup`)")]
    NoObjcopy,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("linking {out} failed:\n{stderr}")]
    Failed { out: PathBuf, stderr: String },
}

/// The lld binary: `KILN_LLD`, `ld.lld-22` on PATH, or LLVM 22's own.
pub fn lld() -> Result<PathBuf, LinkError> {
    llvm_tool("KILN_LLD", "ld.lld-22", "ld.lld").ok_or(LinkError::NoLinker)
}

/// llvm-objcopy: `KILN_OBJCOPY`, `llvm-objcopy-22` on PATH, or LLVM 22's
/// own.
fn objcopy() -> Result<PathBuf, LinkError> {
    llvm_tool("KILN_OBJCOPY", "llvm-objcopy-22", "llvm-objcopy").ok_or(LinkError::NoObjcopy)
}

/// An LLVM 22 program: named by the variable `env`, as `versioned` on
/// PATH, or as `name` in LLVM 22's own bin directory.
fn llvm_tool(env: &str, versioned: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    for dir in std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let c = dir.join(versioned);
        if c.is_file() {
            return Some(c);
        }
    }
    let c = Path::new("/usr/lib/llvm-22/bin").join(name);
    c.is_file().then_some(c)
}

/// A scratch directory removed on drop.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new() -> Result<Scratch, LinkError> {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kiln-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|source| LinkError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Scratch { dir })
    }

    /// Write each object to a file and return their paths.
    pub fn write_objects(&self, objects: &[Vec<u8>]) -> Result<Vec<PathBuf>, LinkError> {
        objects
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let p = self.dir.join(format!("unit{i}.o"));
                std::fs::write(&p, o).map_err(|source| LinkError::Io {
                    path: p.clone(),
                    source,
                })?;
                Ok(p)
            })
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(mut cmd: Command, out: &Path) -> Result<(), LinkError> {
    let output = cmd.output().map_err(|source| LinkError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    if !output.status.success() {
        let _ = std::fs::remove_file(out);
        return Err(LinkError::Failed {
            out: out.to_path_buf(),
            stderr: String::from_utf8_lossy(&output.stderr).into(),
        });
    }
    Ok(())
}

/// One relocatable object from several (`ld -r`): what `kiln compile` hands
/// to the user. What the module or component does not export (every wasm
/// function, jump table and trap stub, hidden since it was compiled) is
/// made local there: the object defines only its descriptors for the
/// program it is linked into, and no symbol of it can clash with one of
/// that program's.
pub fn link_relocatable(objects: &[Vec<u8>], out: &Path) -> Result<(), LinkError> {
    // Both tools are found first: an object left unlocalized must not be
    // left behind as if it were done.
    let (lld, objcopy) = (lld()?, objcopy()?);
    let scratch = Scratch::new()?;
    let inputs = scratch.write_objects(objects)?;
    let mut cmd = Command::new(lld);
    cmd.arg("-r").arg("-o").arg(out).args(&inputs);
    run(cmd, out)?;
    let mut cmd = Command::new(objcopy);
    cmd.arg("--localize-hidden").arg(out);
    run(cmd, out)
}

/// A shared library the runtime can load into this process.
pub fn link_shared(objects: &[Vec<u8>], out: &Path) -> Result<(), LinkError> {
    let scratch = Scratch::new()?;
    let inputs = scratch.write_objects(objects)?;
    let mut cmd = Command::new(lld()?);
    cmd.arg("-shared")
        .arg("--hash-style=gnu")
        .arg("-o")
        .arg(out)
        .args(&inputs);
    run(cmd, out)
}

/// The runtime and C runtime files a static executable is linked from, in
/// link order around the compiled objects.
pub struct StaticRuntime<'a> {
    /// `(file name, bytes)` of rcrt1.o, crti.o, crtbeginS.o.
    pub before: Vec<(&'a str, &'a [u8])>,
    /// `(file name, bytes)` of the kiln runtime archive, libc.a, libunwind.a.
    pub libraries: Vec<(&'a str, &'a [u8])>,
    /// `(file name, bytes)` of crtendS.o, crtn.o.
    pub after: Vec<(&'a str, &'a [u8])>,
}

/// Whether the static C library among `libraries` applies packed relative
/// relocations at start-up: musl does from 1.2.4 on. Its version is the
/// one string of three dotted numbers in libc.a (`__libc_version`); one
/// that cannot be told gets the plain relocations.
fn applies_packed_relocations(libraries: &[(&str, &[u8])]) -> bool {
    let Some((_, libc)) = libraries.iter().find(|(name, _)| *name == "libc.a") else {
        return false;
    };
    musl_version(libc).is_some_and(|v| v >= (1, 2, 4))
}

/// The first NUL-delimited `A.B.C` in `bytes`.
fn musl_version(bytes: &[u8]) -> Option<(u32, u32, u32)> {
    bytes.split(|b| *b == 0).find_map(|s| {
        let text = std::str::from_utf8(s).ok()?;
        let mut parts = text.split('.').map(|p| {
            (!p.is_empty() && p.len() < 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        });
        let v = (parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(v)
    })
}

/// A static position-independent executable with no dependency beyond the
/// kernel (no interpreter, no shared libraries).
pub fn link_static_executable(
    objects: &[Vec<u8>],
    rt: &StaticRuntime,
    out: &Path,
) -> Result<(), LinkError> {
    let scratch = Scratch::new()?;
    let inputs = scratch.write_objects(objects)?;
    let place = |files: &[(&str, &[u8])]| -> Result<Vec<PathBuf>, LinkError> {
        files
            .iter()
            .map(|(name, bytes)| {
                let p = scratch.dir.join(name);
                std::fs::write(&p, bytes).map_err(|source| LinkError::Io {
                    path: p.clone(),
                    source,
                })?;
                Ok(p)
            })
            .collect()
    };
    let (before, libraries, after) = (place(&rt.before)?, place(&rt.libraries)?, place(&rt.after)?);
    let mut cmd = Command::new(lld()?);
    cmd.args([
        "-static",
        "-pie",
        "--no-dynamic-linker",
        "--gc-sections",
        "-z",
        "noexecstack",
    ]);
    // Relative relocations packed (RELR) where the C library's start-up
    // code applies them: a large component's function addresses are tens
    // of thousands of them, half a megabyte as RELA read at every start.
    if applies_packed_relocations(&rt.libraries) {
        cmd.args(["-z", "pack-relative-relocs"]);
    }
    // KILN_KEEP_SYMBOLS=1 keeps the symbol table (wasm function names), for
    // profilers such as perf; traps name functions without it.
    if std::env::var_os("KILN_KEEP_SYMBOLS").is_none() {
        cmd.arg("--strip-all");
    }
    cmd.arg("-o")
        .arg(out)
        .args(&before)
        .args(&inputs)
        .arg("--start-group")
        .args(&libraries)
        .arg("--end-group")
        .args(&after);
    run(cmd, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_relocations_only_for_a_musl_that_applies_them() {
        fn libc(text: &[u8]) -> Vec<(&str, &[u8])> {
            vec![("crt1.o", &b"1.2.5\0"[..]), ("libc.a", text)]
        }
        assert_eq!(
            musl_version(b"x\0libc 1.2\0\x001.2.5\0tail"),
            Some((1, 2, 5))
        );
        assert!(applies_packed_relocations(&libc(b"\x7fELF\0\x001.2.4\0")));
        assert!(applies_packed_relocations(&libc(b"\x001.10.0\0")));
        assert!(!applies_packed_relocations(&libc(b"\x001.2.3\0")));
        assert!(!applies_packed_relocations(&libc(b"no version here")));
        assert!(!applies_packed_relocations(&[(
            "libunwind.a",
            &b"\x001.2.5\0"[..]
        )]));
    }
}
