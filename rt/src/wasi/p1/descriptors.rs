//! The program's descriptors: numbers the program uses for what the 0.2
//! host holds (its files and directories), the process's standard streams
//! and sockets. 0, 1 and 2 are the standard streams, the preopened
//! directories follow, then the preopened listening sockets.

use super::Errno;
use crate::wasi::p2::bindings::wasi_filesystem_types::DescriptorFlags;
use crate::wasi::p2::host::wasi_filesystem_types::Descriptor;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A file: the 0.2 host's descriptor with the position preview1 keeps.
pub struct File {
    pub file: Arc<cap_std::fs::File>,
    pub position: u64,
    pub append: bool,
    pub read: bool,
    pub write: bool,
    /// The `fdflags` it was opened with or last set.
    pub fdflags: u16,
}

pub enum Fd {
    Stdin,
    Stdout,
    Stderr,
    /// A directory, with the name it was preopened as.
    Dir {
        desc: Descriptor,
        preopen: Option<String>,
    },
    File(File),
    Listener(std::net::TcpListener),
    Stream(std::net::TcpStream),
}

/// What preview1 keeps for a running program.
pub struct P1 {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    fds: BTreeMap<u32, Fd>,
    free: BTreeSet<u32>,
}

impl P1 {
    pub fn new(
        args: Vec<String>,
        env: Vec<(String, String)>,
        dirs: Vec<(Arc<cap_std::fs::Dir>, String)>,
        listeners: Vec<std::net::TcpListener>,
    ) -> P1 {
        let mut p1 = P1 {
            args,
            env,
            fds: BTreeMap::new(),
            free: BTreeSet::new(),
        };
        for fd in [Fd::Stdin, Fd::Stdout, Fd::Stderr] {
            p1.push(fd);
        }
        let flags =
            DescriptorFlags::READ | DescriptorFlags::WRITE | DescriptorFlags::MUTATE_DIRECTORY;
        for (dir, name) in dirs {
            p1.push(Fd::Dir {
                desc: Descriptor::Dir { dir, flags },
                preopen: Some(name),
            });
        }
        for l in listeners {
            p1.push(Fd::Listener(l));
        }
        p1
    }

    /// A new descriptor: the highest number freed (as wasmtime), else one
    /// past the last.
    pub fn push(&mut self, fd: Fd) -> u32 {
        let n = match self.free.pop_last() {
            Some(n) => n,
            None => self.fds.last_key_value().map_or(0, |(n, _)| n + 1),
        };
        self.fds.insert(n, fd);
        n
    }

    pub fn get(&mut self, fd: u32) -> Result<&mut Fd, Errno> {
        self.fds.get_mut(&fd).ok_or(Errno::BADF)
    }

    pub fn remove(&mut self, fd: u32) -> Result<Fd, Errno> {
        let removed = self.fds.remove(&fd).ok_or(Errno::BADF)?;
        self.free.insert(fd);
        Ok(removed)
    }

    /// `from` becomes `to`, closing what `to` was.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        if !self.fds.contains_key(&to) || !self.fds.contains_key(&from) {
            return Err(Errno::BADF);
        }
        if from == to {
            return Ok(());
        }
        let moved = self.fds.remove(&from).ok_or(Errno::BADF)?;
        self.free.insert(from);
        self.fds.insert(to, moved);
        Ok(())
    }

    pub fn file(&mut self, fd: u32) -> Result<&mut File, Errno> {
        match self.get(fd)? {
            Fd::File(f) => Ok(f),
            Fd::Dir { .. } => Err(Errno::ISDIR),
            _ => Err(Errno::BADF),
        }
    }

    /// The 0.2 descriptor behind `fd`: a file or a directory.
    pub fn descriptor(&mut self, fd: u32) -> Result<Descriptor, Errno> {
        match self.get(fd)? {
            Fd::Dir { desc, .. } => Ok(match desc {
                Descriptor::Dir { dir, flags } => Descriptor::Dir {
                    dir: dir.clone(),
                    flags: *flags,
                },
                Descriptor::File { file, flags } => Descriptor::File {
                    file: file.clone(),
                    flags: *flags,
                },
            }),
            Fd::File(f) => Ok(Descriptor::File {
                file: f.file.clone(),
                flags: 0,
            }),
            _ => Err(Errno::BADF),
        }
    }

    /// The directory `fd` names, for a path operation.
    pub fn dir(&mut self, fd: u32) -> Result<Arc<cap_std::fs::Dir>, Errno> {
        match self.get(fd)? {
            Fd::Dir {
                desc: Descriptor::Dir { dir, .. },
                ..
            } => Ok(dir.clone()),
            _ => Err(Errno::NOTDIR),
        }
    }
}
