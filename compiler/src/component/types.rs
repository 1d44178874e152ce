//! The description's component types, interned from wasmparser's: equal
//! types get one index, and a type's parts always come before it.

use kiln_abi::component::{FuncType, TypeIndex, ValueType};
use std::collections::HashMap;
use wasmparser::component_types::{
    ComponentDefinedType, ComponentFuncTypeId, ComponentValType, ResourceId,
};
use wasmparser::types::TypesRef;
use wasmparser::PrimitiveValType;

/// A type, or the feature and the kind of type kiln does not support yet.
pub type Lookup<T> = Result<T, (&'static str, &'static str)>;

#[derive(Default)]
pub struct TypeTable {
    pub types: Vec<ValueType>,
    pub funcs: Vec<FuncType>,
    interned: HashMap<ValueType, TypeIndex>,
    interned_funcs: HashMap<FuncType, u32>,
    /// Each distinct resource type, numbered in the order met.
    resources: Vec<ResourceId>,
    /// The host's name of each resource, where the root imports it.
    pub resource_names: Vec<Option<(String, String)>>,
}

impl TypeTable {
    /// The description's index of function type `id`, or the feature
    /// and the type kiln does not support yet.
    pub fn func(&mut self, types: &TypesRef, id: ComponentFuncTypeId) -> Lookup<u32> {
        let f = &types[id];
        let func = FuncType {
            params: f
                .params
                .iter()
                .map(|(name, t)| Ok((name.to_string(), self.value(types, *t)?)))
                .collect::<Lookup<_>>()?,
            result: f.result.map(|t| self.value(types, t)).transpose()?,
        };
        Ok(self.intern_func(func))
    }

    /// The description's index of the function type `task.return`
    /// lowers: one parameter, the task's result, and no result.
    pub fn task_return(
        &mut self,
        types: &TypesRef,
        result: Option<wasmparser::ComponentValType>,
    ) -> Lookup<u32> {
        let params = match result {
            None => Vec::new(),
            Some(t) => {
                let t = match t {
                    wasmparser::ComponentValType::Primitive(p) => ComponentValType::Primitive(p),
                    wasmparser::ComponentValType::Type(i) => {
                        ComponentValType::Type(types.component_defined_type_at(i))
                    }
                };
                vec![(String::new(), self.value(types, t)?)]
            }
        };
        Ok(self.intern_func(FuncType {
            params,
            result: None,
        }))
    }

    /// The description's index of the defined type at component type
    /// index `index` (a stream or future type, for their built-ins).
    pub fn defined(&mut self, types: &TypesRef, index: u32) -> Lookup<TypeIndex> {
        self.value(
            types,
            ComponentValType::Type(types.component_defined_type_at(index)),
        )
    }

    fn intern_func(&mut self, func: FuncType) -> u32 {
        if let Some(&i) = self.interned_funcs.get(&func) {
            return i;
        }
        let i = self.funcs.len() as u32;
        self.funcs.push(func.clone());
        self.interned_funcs.insert(func, i);
        i
    }

    fn intern(&mut self, t: ValueType) -> TypeIndex {
        if let Some(&i) = self.interned.get(&t) {
            return i;
        }
        let i = self.types.len() as TypeIndex;
        self.types.push(t.clone());
        self.interned.insert(t, i);
        i
    }

    /// The description's number of resource type `id`.
    pub fn resource(&mut self, id: ResourceId) -> u32 {
        match self.resources.iter().position(|r| *r == id) {
            Some(i) => i as u32,
            None => {
                self.resources.push(id);
                self.resource_names.push(None);
                self.resources.len() as u32 - 1
            }
        }
    }

    /// Resource `id` is the host's `name` in instance `instance`.
    pub fn host_resource(&mut self, r: u32, instance: &str, name: &str) {
        let r = r as usize;
        // The first instance that exports it defines it; later ones `use` it.
        if self.resource_names[r].is_none() {
            self.resource_names[r] = Some((instance.to_string(), name.to_string()));
        }
    }

    fn value(&mut self, types: &TypesRef, t: ComponentValType) -> Lookup<TypeIndex> {
        let id = match t {
            ComponentValType::Primitive(p) => return Ok(self.intern(primitive(p)?)),
            ComponentValType::Type(id) => id,
        };
        let t = match &types[id] {
            ComponentDefinedType::Primitive(p) => primitive(*p)?,
            ComponentDefinedType::Record(r) => ValueType::Record(
                r.fields
                    .iter()
                    .map(|(name, t)| Ok((name.to_string(), self.value(types, *t)?)))
                    .collect::<Lookup<_>>()?,
            ),
            ComponentDefinedType::Variant(v) => ValueType::Variant(
                v.cases
                    .iter()
                    .map(|(name, c)| {
                        Ok((
                            name.to_string(),
                            c.ty.map(|t| self.value(types, t)).transpose()?,
                        ))
                    })
                    .collect::<Lookup<_>>()?,
            ),
            ComponentDefinedType::List { element, .. } => {
                ValueType::List(self.value(types, *element)?)
            }
            ComponentDefinedType::Tuple(t) => ValueType::Tuple(
                t.types
                    .iter()
                    .map(|t| self.value(types, *t))
                    .collect::<Lookup<_>>()?,
            ),
            ComponentDefinedType::Flags(names) => {
                ValueType::Flags(names.iter().map(|n| n.to_string()).collect())
            }
            ComponentDefinedType::Enum(names) => {
                ValueType::Enum(names.iter().map(|n| n.to_string()).collect())
            }
            ComponentDefinedType::Option { ty, .. } => ValueType::Option(self.value(types, *ty)?),
            ComponentDefinedType::Result { ok, err, .. } => ValueType::Result {
                ok: ok.map(|t| self.value(types, t)).transpose()?,
                err: err.map(|t| self.value(types, t)).transpose()?,
            },
            ComponentDefinedType::Own(r) => ValueType::Own(self.resource(r.resource())),
            ComponentDefinedType::Borrow(r) => ValueType::Borrow(self.resource(r.resource())),
            ComponentDefinedType::Future { ty: t, .. } => {
                ValueType::Future(t.map(|t| self.value(types, t)).transpose()?)
            }
            ComponentDefinedType::Stream { ty: t, .. } => {
                ValueType::Stream(t.map(|t| self.value(types, t)).transpose()?)
            }
            ComponentDefinedType::Map { .. } => return Err(("component-model maps", "a map type")),
            ComponentDefinedType::FixedLengthList { .. } => {
                return Err((
                    "component-model fixed-length lists",
                    "a fixed-length list type",
                ))
            }
        };
        Ok(self.intern(t))
    }
}

fn primitive(p: PrimitiveValType) -> Lookup<ValueType> {
    use PrimitiveValType as P;
    Ok(match p {
        P::Bool => ValueType::Bool,
        P::S8 => ValueType::S8,
        P::U8 => ValueType::U8,
        P::S16 => ValueType::S16,
        P::U16 => ValueType::U16,
        P::S32 => ValueType::S32,
        P::U32 => ValueType::U32,
        P::S64 => ValueType::S64,
        P::U64 => ValueType::U64,
        P::F32 => ValueType::F32,
        P::F64 => ValueType::F64,
        P::Char => ValueType::Char,
        P::String => ValueType::String,
        P::ErrorContext => ValueType::ErrorContext,
    })
}
