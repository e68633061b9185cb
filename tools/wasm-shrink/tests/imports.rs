//! The glue's imports renamed in the wasm and in the glue alike, and nothing else.

use guardpost_wasm_shrink::imports::shorten;
use wasm_encoder::{
    CodeSection, EntityType, Function, FunctionSection, ImportSection, Instruction, Module,
    TypeSection,
};
use wasmparser::{Parser, Payload};

const GLUE: &str = "./app_bg.js";

fn module() -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import(GLUE, "__wbg_log_0123456789abcdef", EntityType::Function(0));
    imports.import(
        "./__wasm_split.js",
        "__wasm_split_load_roster",
        EntityType::Function(0),
    );
    imports.import(GLUE, "__wbg_now_fedcba9876543210", EntityType::Function(0));
    module.section(&imports);
    let mut functions = FunctionSection::new();
    functions.function(0);
    module.section(&functions);
    let mut code = CodeSection::new();
    let mut f = Function::new([]);
    f.instruction(&Instruction::Call(0));
    f.instruction(&Instruction::Call(2));
    f.instruction(&Instruction::End);
    code.function(&f);
    module.section(&code);
    module.finish()
}

const JS: &str = "const import0 = {\n    __wbg_log_0123456789abcdef: function(a) { console.log(a); },\n    __wbg_now_fedcba9876543210: function() { return Date.now(); },\n};\nreturn { \"./app_bg.js\": import0 };\n";

fn imports(wasm: &[u8]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Ok(Payload::ImportSection(reader)) = payload {
            for import in reader.into_imports().flatten() {
                found.push((import.module.to_string(), import.name.to_string()));
            }
        }
    }
    found
}

fn other_sections(wasm: &[u8]) -> Vec<(u8, Vec<u8>)> {
    Parser::new(0)
        .parse_all(wasm)
        .flatten()
        .filter(|p| !matches!(p, Payload::ImportSection(_)))
        .filter_map(|p| p.as_section())
        .map(|(id, range)| (id, wasm[range].to_vec()))
        .collect()
}

#[test]
fn the_glue_imports_are_renamed_in_both() {
    let shortened = shorten(&module(), JS, GLUE).expect("shortened");
    wasmparser::validate(&shortened.wasm).expect("still a valid module");
    assert_eq!(
        imports(&shortened.wasm),
        vec![
            (GLUE.to_string(), "w0".to_string()),
            (
                "./__wasm_split.js".to_string(),
                "__wasm_split_load_roster".to_string()
            ),
            (GLUE.to_string(), "w1".to_string()),
        ]
    );
    assert_eq!(
        shortened.glue,
        "const import0 = {\n    w0: function(a) { console.log(a); },\n    w1: function() { return Date.now(); },\n};\nreturn { \"./app_bg.js\": import0 };\n"
    );
    // The code calls the same imports: every other section is as it was.
    assert_eq!(other_sections(&shortened.wasm), other_sections(&module()));
}

#[test]
fn a_glue_without_the_names_is_refused() {
    let other = JS.replace("__wbg_now_fedcba9876543210", "__wbg_now_changed");
    assert!(shorten(&module(), &other, GLUE).is_err());
    assert!(shorten(&module(), JS, "./another_bg.js").is_err());
}
