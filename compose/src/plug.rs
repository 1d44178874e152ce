//! The plug form: a socket component whose imports are satisfied by the
//! exports of plug components, transitively. Each component is
//! instantiated once; the socket's exports are the composition's.

use crate::{encode_options, read_component, ComposeError};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use wac_graph::types::{are_semver_compatible, ItemKind, Package, SubtypeChecker};
use wac_graph::{CompositionGraph, NodeId, PackageId};

#[derive(Clone, Debug, Default)]
pub struct PlugOptions {
    /// Leave imports that no plug satisfies, and that are not WASI's, as
    /// imports of the composition rather than refuse them.
    pub allow_imports: bool,
}

/// One component of the composition: the socket (first) or a plug.
struct Part {
    path: PathBuf,
    package: PackageId,
    imports: Vec<(String, ItemKind)>,
    exports: Vec<(String, ItemKind)>,
    /// Its instance, once made with all its imports satisfied.
    instance: Option<NodeId>,
}

struct Plugging {
    graph: CompositionGraph,
    parts: Vec<Part>,
    /// Imports left to the host: (importer, name).
    left: Vec<(usize, String)>,
    /// Plugs whose exports satisfied something.
    used: HashSet<usize>,
}

/// Compose `socket` with `plugs`: the encoded component.
pub fn plug(
    socket: &Path,
    plugs: &[PathBuf],
    options: &PlugOptions,
) -> Result<Vec<u8>, ComposeError> {
    let mut graph = CompositionGraph::new();
    let mut parts = Vec::new();
    for (i, path) in std::iter::once(socket)
        .chain(plugs.iter().map(PathBuf::as_path))
        .enumerate()
    {
        let bytes = read_component(path)?;
        let name = package_name(i, path);
        let package = Package::from_bytes(&name, None, bytes, graph.types_mut()).map_err(|e| {
            ComposeError::NotAComponent {
                path: path.to_path_buf(),
                reason: format!("{e:#}"),
            }
        })?;
        let package = graph
            .register_package(package)
            .map_err(|e| ComposeError::Plug(format!("{}: {}", path.display(), crate::chain(&e))))?;
        let world = &graph.types()[graph[package].ty()];
        let items = |m: &indexmap::IndexMap<String, ItemKind>| {
            m.iter().map(|(n, k)| (n.clone(), *k)).collect::<Vec<_>>()
        };
        parts.push(Part {
            path: path.to_path_buf(),
            package,
            imports: items(&world.imports),
            exports: items(&world.exports),
            instance: None,
        });
    }
    let mut p = Plugging {
        graph,
        parts,
        left: Vec::new(),
        used: HashSet::new(),
    };
    let socket_instance = p.instance_of(0, &mut Vec::new())?;
    for i in 1..p.parts.len() {
        if !p.used.contains(&i) {
            return Err(ComposeError::Plug(format!(
                "{} satisfies no import of {} or of the other plugs; it exports: {}",
                p.parts[i].path.display(),
                p.parts[0].path.display(),
                names(&p.parts[i].exports),
            )));
        }
    }
    let foreign: Vec<_> = p
        .left
        .iter()
        .filter(|(_, name)| !name.starts_with("wasi:"))
        .collect();
    if let (Some((who, name)), false) = (foreign.first(), options.allow_imports) {
        return Err(ComposeError::Plug(format!(
            "{} imports `{name}`, which no plug exports; the host provides only WASI's interfaces (--allow-imports leaves it an import of the composition)",
            p.parts[*who].path.display()
        )));
    }
    let exports: Vec<String> = p.parts[0].exports.iter().map(|e| e.0.clone()).collect();
    for name in exports {
        let export = p
            .graph
            .alias_instance_export(socket_instance, &name)
            .map_err(|e| ComposeError::Plug(format!("exporting `{name}`: {}", crate::chain(&e))))?;
        p.graph
            .export(export, &name)
            .map_err(|e| ComposeError::Plug(format!("exporting `{name}`: {}", crate::chain(&e))))?;
    }
    p.graph
        .encode(encode_options())
        .map_err(|e| ComposeError::Encode(crate::chain(&e)))
}

impl Plugging {
    /// Part `i`'s instance, its imports satisfied first. `path` is the
    /// chain of parts being instantiated, to find cycles.
    fn instance_of(&mut self, i: usize, path: &mut Vec<usize>) -> Result<NodeId, ComposeError> {
        if let Some(n) = self.parts[i].instance {
            return Ok(n);
        }
        if let Some(at) = path.iter().position(|&p| p == i) {
            let cycle: Vec<String> = path[at..]
                .iter()
                .chain([&i])
                .map(|&p| self.parts[p].path.display().to_string())
                .collect();
            return Err(ComposeError::Plug(format!(
                "the plugs need each other in a cycle: {} (each imports what the next exports)",
                cycle.join(" -> ")
            )));
        }
        path.push(i);
        let node = self.graph.instantiate(self.parts[i].package);
        let imports = self.parts[i].imports.clone();
        for (name, kind) in &imports {
            self.satisfy(i, node, name, *kind, path)?;
        }
        path.pop();
        self.parts[i].instance = Some(node);
        Ok(node)
    }

    /// Satisfy import `name` (of type `kind`) of part `i`, instance `node`,
    /// from the one plug that exports it, or leave it to the host.
    fn satisfy(
        &mut self,
        i: usize,
        node: NodeId,
        name: &str,
        kind: ItemKind,
        path: &mut Vec<usize>,
    ) -> Result<(), ComposeError> {
        let importer = self.parts[i].path.display().to_string();
        // Each plug's best match: the import's own name, else its highest
        // compatible version.
        let mut found: Vec<(usize, String, ItemKind)> = Vec::new();
        let mut other_versions = Vec::new();
        for (p, part) in self
            .parts
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(p, _)| *p != i)
        {
            let mut best: Option<(&String, ItemKind)> = None;
            for (export, export_kind) in &part.exports {
                if are_semver_compatible(export, name) {
                    let better = match best {
                        None => true,
                        Some((b, _)) => {
                            b != name && (export == name || version(export) > version(b))
                        }
                    };
                    if better {
                        best = Some((export, *export_kind));
                    }
                } else if unversioned(export) == unversioned(name) {
                    other_versions.push(format!("{} exports `{export}`", part.path.display()));
                }
            }
            if let Some((export, kind)) = best {
                found.push((p, export.clone(), kind));
            }
        }
        let (p, export, export_kind) = match found.len() {
            0 if !other_versions.is_empty() => {
                let imported = match name.split_once('@') {
                    Some((_, v)) => format!("version {v}"),
                    None => "no version".into(),
                };
                return Err(ComposeError::Plug(format!(
                    "{importer} imports `{name}` ({imported}), but the versions do not match: {}; versions match when they share their major version (their minor, for 0.x), and a name without a version matches only itself",
                    other_versions.join(", ")
                )));
            }
            0 => {
                self.left.push((i, name.to_string()));
                return Ok(());
            }
            1 => found.remove(0),
            _ => {
                let plugs: Vec<String> = found
                    .iter()
                    .map(|(p, e, _)| format!("{} (`{e}`)", self.parts[*p].path.display()))
                    .collect();
                return Err(ComposeError::Plug(format!(
                    "{importer} imports `{name}`, which more than one plug exports: {}; plug only one of them",
                    plugs.join(" and ")
                )));
            }
        };
        let mut cache = Default::default();
        let mut checker = SubtypeChecker::new(&mut cache);
        let types = self.graph.types();
        if let Err(e) = checker.is_subtype(export_kind, types, kind, types) {
            return Err(ComposeError::Plug(format!(
                "{importer} imports `{name}`, and {} exports `{export}` with another type: {e:#} (expected: what {importer} imports; found: what the plug exports)",
                self.parts[p].path.display()
            )));
        }
        let from = self.instance_of(p, path)?;
        self.used.insert(p);
        let graph_error = |e: &dyn std::error::Error| {
            ComposeError::Plug(format!(
                "{importer} imports `{name}` from {}: {}",
                self.parts[p].path.display(),
                crate::chain(e)
            ))
        };
        let alias = self
            .graph
            .alias_instance_export(from, &export)
            .map_err(|e| graph_error(&e))?;
        self.graph
            .set_instantiation_argument(node, name, alias)
            .map_err(|e| graph_error(&e))
    }
}

/// The version of `name` (`ns:pkg/iface@1.2.3`), if it has one.
fn version(name: &str) -> Option<semver::Version> {
    name.split_once('@')?.1.parse().ok()
}

/// `name` without its `@version`.
fn unversioned(name: &str) -> &str {
    name.split('@').next().unwrap_or(name)
}

fn names(items: &[(String, ItemKind)]) -> String {
    match items.len() {
        0 => "nothing".into(),
        _ => items
            .iter()
            .map(|i| format!("`{}`", i.0))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The name part `i` of the composition is known by in the graph (and in
/// the output's names): `kiln:c<i>-<file stem, in kebab case>`.
fn package_name(i: usize, path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let words: Vec<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w.starts_with(|c: char| c.is_ascii_digit()) {
            true => format!("n{w}"),
            false => w.to_string(),
        })
        .collect();
    match words.is_empty() {
        true => format!("kiln:c{i}"),
        false => format!("kiln:c{i}-{}", words.join("-")),
    }
}
