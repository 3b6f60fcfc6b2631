//! `baogao build`: report folder → PDF.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use typst::diag::SourceDiagnostic;
use typst_layout::PagedDocument;

use super::Outcome;
use crate::cli::BuildArgs;
use crate::report::{self, Folder, REPORT_FILE};
use crate::typeset::diag;
use crate::typeset::fonts::{self, FontOptions};
use crate::typeset::{BaogaoWorld, pdf};

/// Builds one report and says where the PDF went and how long it took.
pub fn run(args: &BuildArgs) -> Outcome {
    let start = Instant::now();
    let dir = report_dir(&args.report);
    let folder = match Folder::open(&dir) {
        Ok(folder) => folder,
        Err(e) => {
            eprintln!("error: cannot open report folder `{}`: {e}", dir.display());
            eprintln!("  = hint: give the folder that holds report.yaml");
            return Outcome::ReportError;
        }
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&dir, &folder));
    let font_options = FontOptions {
        paths: args.fonts.font_paths.clone(),
        system: args.fonts.system_fonts,
    };
    let fonts = Arc::new(fonts::store(&font_options));
    let mut world = BaogaoWorld::new(folder.clone(), &dir, fonts, "report");

    let document = match report::load(&folder) {
        Ok(document) => document,
        Err(problems) => {
            let diags: Vec<_> = problems.iter().map(diag::from_problem).collect();
            diag::print(&world, &diags);
            return Outcome::ReportError;
        }
    };
    let json = serde_json::to_vec(&document).expect("the document model always serialises");
    world.set_data(json);

    let Some(pages) = compile(&world) else {
        return Outcome::ReportError;
    };
    let bytes = match pdf::export(&pages, &document.meta) {
        Ok(bytes) => bytes,
        Err(errors) => {
            diag::print(&world, &errors);
            return Outcome::ReportError;
        }
    };
    if let Err(e) = pdf::write_atomically(&output, &bytes) {
        let message = format!("cannot write `{}`: {e}", output.display());
        diag::print(
            &world,
            &[diag::error(
                message,
                &["check that the folder exists and is writable, or pass -o PATH"],
            )],
        );
        return Outcome::OutputError;
    }
    println!(
        "wrote {} ({} pages, {:.1} MB) in {:.2} s",
        output.display(),
        pages.pages().len(),
        bytes.len() as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Outcome::Success
}

/// Compiles the world, printing warnings and errors; `None` on error.
fn compile(world: &BaogaoWorld) -> Option<PagedDocument> {
    let result = typst::compile::<PagedDocument>(world);
    let warnings: Vec<SourceDiagnostic> = result.warnings.into_iter().collect();
    match result.output {
        Ok(document) => {
            if !warnings.is_empty() {
                diag::print(world, &warnings);
            }
            Some(document)
        }
        Err(errors) => {
            let all: Vec<SourceDiagnostic> = errors.into_iter().chain(warnings).collect();
            diag::print(world, &all);
            None
        }
    }
}

/// `content/x` or `content/x/report.yaml` → `content/x`.
fn report_dir(arg: &Path) -> PathBuf {
    if arg.file_name().is_some_and(|n| n == REPORT_FILE) {
        arg.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    } else {
        arg.to_path_buf()
    }
}

/// `<report-dir>/<folder-name>.pdf`.
fn default_output(dir: &Path, folder: &Folder) -> PathBuf {
    let name = folder
        .root()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    dir.join(format!("{name}.pdf"))
}
