//! `baogao init`: a new report folder that builds at once; with `--eject`,
//! the built-in template's Typst files and the web page's template beside
//! it, ready to edit.

use std::path::{Path, PathBuf};

use super::{Failure, Outcome, Result};
use crate::cli::InitArgs;
use crate::export::html;
use crate::report::{METRICS_FILE, REPORT_FILE};
use crate::typeset::templates;

const STARTER_METRICS: &str = include_str!("../../templates/starter/metrics.yaml");

/// The placeholder picture the `report` starter places, to be replaced by
/// a photo.
const STARTER_PHOTO: (&str, &str) = ("images/photo.svg", include_str!("../../templates/starter/images/photo.svg"));

/// The report.yaml a new report starts from, by built-in template (a test
/// checks every one of `report::BUILTIN_TEMPLATES` has one).
static STARTERS: [(&str, &str); 3] = [
    ("report", include_str!("../../templates/starter/report.yaml")),
    ("gongwen", include_str!("../../templates/starter/gongwen.yaml")),
    ("briefing", include_str!("../../templates/starter/briefing.yaml")),
];

/// Writes the new report (or, for `--eject` in an existing report, only the
/// template), refusing to overwrite any file: a refusal is about what the
/// command was given (exit 1), a failed write about the output (exit 3).
pub fn run(args: &InitArgs) -> Result {
    let name = &args.template;
    let has_report = args.dir.join(REPORT_FILE).exists();
    if has_report && !args.eject {
        let message = format!("`{}` already holds a report", args.dir.join(REPORT_FILE).display());
        let hints = ["give a new folder, or add `--eject` to write only the template's files into this one"];
        return Err(Failure::plain(Outcome::ReportError, message, &hints));
    }
    let files = files(args, has_report);
    if let Some((existing, _)) = files.iter().find(|(path, _)| args.dir.join(path).exists()) {
        let message =
            format!("`{}` exists already; baogao init never overwrites a file", args.dir.join(existing).display());
        return Err(Failure::plain(Outcome::ReportError, message, &["move it away, or give another folder"]));
    }
    write_all(&args.dir, &files).map_err(|e| {
        let message = format!("cannot write into `{}`: {e}", args.dir.display());
        Failure::plain(Outcome::OutputError, message, &["check that the folder is writable"])
    })?;
    let written: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    say!("created {}: {}", args.dir.display(), written.join(", "));
    if has_report {
        let keys = format!("`template: {name}.typ` and `html_template: {}`", html::BUILTIN_NAME);
        say!("to use the templates, set {keys} in {}", args.dir.join(REPORT_FILE).display());
    } else {
        say!("build it with: baogao build {}", args.dir.display());
    }
    Ok(())
}

/// The files to write: the starter report unless there is one, and with
/// `--eject` the template's entry file and its lib/, and the web page's
/// template (the report then names them instead of the built-in ones).
fn files(args: &InitArgs, has_report: bool) -> Vec<(PathBuf, String)> {
    let name = &args.template;
    let mut files = Vec::new();
    if !has_report {
        // clap accepts only the names of BUILTIN_TEMPLATES.
        let (_, starter) = STARTERS.iter().find(|(n, _)| n == name).expect("a starter for every built-in template");
        let mut report = starter.to_string();
        if args.eject {
            let keys = format!("template: {name}.typ\nhtml_template: {}\n", html::BUILTIN_NAME);
            report = report.replace(&format!("template: {name}\n"), &keys);
        }
        let photo = report.contains(STARTER_PHOTO.0);
        files.push((PathBuf::from(REPORT_FILE), report));
        files.push((PathBuf::from(METRICS_FILE), STARTER_METRICS.to_string()));
        if photo {
            files.push((PathBuf::from(STARTER_PHOTO.0), STARTER_PHOTO.1.to_string()));
        }
    }
    if args.eject {
        let entry = format!("{name}.typ");
        for (path, text) in templates::all().filter(|(p, _)| *p == entry || p.starts_with("lib/")) {
            files.push((PathBuf::from(path), text.to_string()));
        }
        files.push((PathBuf::from(html::BUILTIN_NAME), html::BUILTIN.to_string()));
    }
    files
}

fn write_all(dir: &Path, files: &[(PathBuf, String)]) -> std::io::Result<()> {
    for (path, text) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // create_new: a file that appeared since the check is not overwritten.
        use std::io::Write as _;
        std::fs::OpenOptions::new().write(true).create_new(true).open(&target)?.write_all(text.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_template_has_a_starter() {
        let names: Vec<&str> = super::STARTERS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, crate::report::BUILTIN_TEMPLATES);
    }
}
