//! std::fs: directories, files, metadata, listing, rename, copy, append, seek.
use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

fn main() -> std::io::Result<()> {
    fs::create_dir_all("work/sub/deeper")?;
    fs::write("work/a.txt", "alpha\n")?;
    fs::write("work/sub/b.txt", "beta beta\n")?;
    let mut f = OpenOptions::new().append(true).open("work/a.txt")?;
    writeln!(f, "appended")?;
    drop(f);
    println!("a.txt = {:?}", fs::read_to_string("work/a.txt")?);
    fs::copy("work/a.txt", "work/sub/deeper/c.txt")?;
    fs::rename("work/sub/b.txt", "work/b-moved.txt")?;
    let mut names: Vec<String> = fs::read_dir("work")?.map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    println!("work: {names:?}");
    let m = fs::metadata("work/sub/deeper/c.txt")?;
    println!("c.txt: len {} file {} dir {}", m.len(), m.is_file(), m.is_dir());
    let mut f = fs::File::open("work/a.txt")?;
    f.seek(SeekFrom::Start(6))?;
    let mut rest = String::new();
    f.read_to_string(&mut rest)?;
    println!("from 6: {rest:?}");
    println!("missing: {:?}", fs::read("work/nope").map_err(|e| e.kind()));
    fs::remove_dir_all("work/sub")?;
    println!("sub exists after remove_dir_all: {}", fs::metadata("work/sub").is_ok());
    Ok(())
}
