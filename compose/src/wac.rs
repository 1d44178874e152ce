//! The WAC form: a composition written in the WAC language, its packages
//! given by name (`--dep ns:name[@version]=path.wasm`). wac's parser and
//! resolver check it; their errors are reported at the document's line
//! and column.

use crate::{encode_options, read, read_component, ComposeError};
use indexmap::IndexMap;
use std::path::{Path, PathBuf};
use wac_parser::Document;
use wac_types::BorrowedPackageKey;

/// A package the document refers to: `ns:name`, `ns:name@1.2.3`, and the
/// component that is it.
#[derive(Clone, Debug)]
pub struct Dependency {
    pub name: String,
    pub version: Option<semver::Version>,
    pub path: PathBuf,
}

impl std::str::FromStr for Dependency {
    type Err = String;

    /// `ns:name=path` or `ns:name@version=path`.
    fn from_str(s: &str) -> Result<Dependency, String> {
        let (key, path) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: a dependency is `ns:name=path.wasm`"))?;
        let (name, version) = match key.split_once('@') {
            Some((n, v)) => {
                let v = v
                    .parse()
                    .map_err(|e| format!("`{s}`: the version `{v}`: {e}"))?;
                (n, Some(v))
            }
            None => (key, None),
        };
        if !name.contains(':') {
            return Err(format!("`{s}`: a package name is `namespace:name`"));
        }
        Ok(Dependency {
            name: name.to_string(),
            version,
            path: PathBuf::from(path),
        })
    }
}

/// Compose as the WAC document at `file` says, with `deps`: the encoded
/// component.
pub fn wac(file: &Path, deps: &[Dependency]) -> Result<Vec<u8>, ComposeError> {
    let bytes = read(file)?;
    let source = String::from_utf8(bytes).map_err(|e| {
        ComposeError::Wac(format!(
            "{}: byte {}: not UTF-8 text",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let at = |e: &dyn miette::Diagnostic| ComposeError::Wac(located(file, &source, e));
    let document = Document::parse(&source).map_err(|e| at(&e))?;
    let mut packages = IndexMap::new();
    for d in deps {
        let key = BorrowedPackageKey::from_name_and_version(&d.name, d.version.as_ref());
        packages.insert(key, read_component(&d.path)?);
    }
    let resolution = document.resolve(packages).map_err(|e| at(&e))?;
    resolution
        .encode(encode_options())
        .map_err(|e| ComposeError::Encode(crate::chain(&e)))
}

/// `file:line:column: message`, at the diagnostic's first label, with its
/// causes and labels' texts.
fn located(file: &Path, source: &str, e: &dyn miette::Diagnostic) -> String {
    let labels: Vec<miette::LabeledSpan> = e.labels().map(|l| l.collect()).unwrap_or_default();
    let mut message = crate::chain(e);
    for l in &labels {
        if let Some(text) = l.label() {
            if !message.contains(text) {
                message += &format!(" ({text} at {})", line_column(source, l.offset()));
            }
        }
    }
    match labels.first() {
        Some(l) => format!(
            "{}:{}: {message}",
            file.display(),
            line_column(source, l.offset())
        ),
        None => format!("{}: {message}", file.display()),
    }
}

/// `line:column` of byte `offset`, both from 1.
fn line_column(source: &str, offset: usize) -> String {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dependency_is_a_name_an_optional_version_and_a_path() {
        let d: Dependency = "kiln:math@1.2.0=build/m.wasm".parse().unwrap();
        assert_eq!(d.name, "kiln:math");
        assert_eq!(d.version, Some(semver::Version::new(1, 2, 0)));
        assert_eq!(d.path, PathBuf::from("build/m.wasm"));
        let d: Dependency = "kiln:math=m.wasm".parse().unwrap();
        assert_eq!((d.name.as_str(), d.version), ("kiln:math", None));
        assert!("kiln:math".parse::<Dependency>().is_err());
        assert!("math=m.wasm".parse::<Dependency>().is_err());
        assert!("kiln:math@one=m.wasm".parse::<Dependency>().is_err());
    }

    #[test]
    fn offsets_are_shown_as_lines_and_columns_from_one() {
        let s = "ab\ncdé\nf";
        assert_eq!(line_column(s, 0), "1:1");
        assert_eq!(line_column(s, 3), "2:1");
        assert_eq!(line_column(s, 8), "3:1");
        assert_eq!(line_column(s, 7), "2:4");
    }
}
