//! The order puts alike functions side by side, and the renamed module is the same module.

use guardpost_wasm_shrink::order::{order, rename};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Instruction, Module, NameMap, NameSection, TypeSection, ValType,
};
use wasmparser::{KnownCustom, Name, Parser, Payload};

/// A body that pushes `consts` and drops them: alike when their constants are alike.
fn body(consts: &[i32]) -> Function {
    let mut f = Function::new([]);
    for &c in consts {
        f.instruction(&Instruction::I32Const(c));
        f.instruction(&Instruction::Drop);
    }
    f.instruction(&Instruction::End);
    f
}

/// The body as the module holds it (its locals, then its code), as `order` takes it.
fn encoded(f: Function) -> Vec<u8> {
    f.into_raw_body()
}

const RUN_A: [i32; 8] = [1001, 2002, 3003, 4004, 5005, 6006, 7007, 8008];
const RUN_B: [i32; 8] = [90001, 80002, 70003, 60004, 50005, 40006, 30007, 20008];

#[test]
fn alike_functions_end_up_side_by_side() {
    // A and A' share their constants, B and B' theirs; written alternating.
    let a = encoded(body(&RUN_A));
    let b = encoded(body(&RUN_B));
    let a2 = encoded(body(&[RUN_A.as_slice(), &[11]].concat()));
    let b2 = encoded(body(&[RUN_B.as_slice(), &[12]].concat()));
    let bodies = [a.as_slice(), b.as_slice(), a2.as_slice(), b2.as_slice()];
    let placed = order(&bodies);
    let mut sorted = placed.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1, 2, 3], "every function once");
    let at = |f: usize| placed.iter().position(|&p| p == f).unwrap_or(usize::MAX);
    assert_eq!(at(0).abs_diff(at(2)), 1, "A beside A' in {placed:?}");
    assert_eq!(at(1).abs_diff(at(3)), 1, "B beside B' in {placed:?}");
    assert_eq!(order(&bodies), placed, "the same order every time");
}

#[test]
fn nothing_to_order() {
    assert!(order(&[]).is_empty());
    assert_eq!(order(&[&[0x0b][..]]), vec![0]);
}

/// A module with one imported function, three of its own (named by rustc's kind of names), an
/// export and a custom section besides the names.
fn module() -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    types.ty().function([ValType::I32], []);
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import("env", "log", EntityType::Function(1));
    module.section(&imports);
    let mut functions = FunctionSection::new();
    for _ in 0..3 {
        functions.function(0);
    }
    module.section(&functions);
    let mut exports = ExportSection::new();
    exports.export("main", ExportKind::Func, 3);
    module.section(&exports);
    let mut code = CodeSection::new();
    code.function(&body(&RUN_A));
    code.function(&body(&RUN_B));
    code.function(&body(&[RUN_A.as_slice(), &[11]].concat()));
    module.section(&code);
    module.section(&wasm_encoder::CustomSection {
        name: "producers".into(),
        data: b"kept as it is"[..].into(),
    });
    let mut names = NameSection::new();
    names.module("guardpost");
    let mut map = NameMap::new();
    map.append(0, "log");
    map.append(1, "serde::de::a");
    map.append(2, "leptos::b");
    map.append(3, "serde::de::c");
    names.functions(&map);
    module.section(&names);
    module.finish()
}

/// What `read` finds in a module.
struct Read {
    /// Each section but the names, as (id, bytes).
    sections: Vec<(u8, Vec<u8>)>,
    module: Option<String>,
    /// The functions' names, by index.
    functions: Vec<(u32, String)>,
}

fn read(wasm: &[u8]) -> Result<Read, wasmparser::BinaryReaderError> {
    let mut read = Read {
        sections: Vec::new(),
        module: None,
        functions: Vec::new(),
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let Payload::CustomSection(custom) = &payload
            && let KnownCustom::Name(names) = custom.as_known()
        {
            for name in names {
                match name? {
                    Name::Module { name, .. } => read.module = Some(name.to_string()),
                    Name::Function(map) => {
                        for naming in map {
                            let naming = naming?;
                            read.functions.push((naming.index, naming.name.to_string()));
                        }
                    }
                    _ => {}
                }
            }
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            read.sections.push((id, wasm[range].to_vec()));
        }
    }
    Ok(read)
}

#[test]
fn the_renamed_module_differs_only_in_its_function_names() {
    let before = module();
    let after = rename(&before).expect("renamed");
    wasmparser::validate(&after).expect("still a valid module");
    let before_read = read(&before).expect("read");
    let after_read = read(&after).expect("read");
    assert_eq!(
        after_read.sections, before_read.sections,
        "every other section byte for byte"
    );
    assert_eq!(after_read.module.as_deref(), Some("guardpost"));
    // The import keeps no name of ours; the three own functions are named by their place:
    // the largest first (the second: its constants take more bytes), then, as nothing is like
    // it, the largest left (the third), then the one like that (the first).
    assert_eq!(
        after_read.functions,
        vec![
            (1, "o2".to_string()),
            (2, "o0".to_string()),
            (3, "o1".to_string())
        ]
    );
    assert_eq!(
        rename(&before).expect("renamed"),
        after,
        "the same bytes every time"
    );
}

#[test]
fn a_module_that_is_not_wasm_is_refused() {
    assert!(rename(b"not wasm").is_err());
}
