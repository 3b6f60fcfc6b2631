//! `baogao schema`: the JSON Schema of report.yaml or metrics.yaml, derived
//! from the same serde model the loader uses, so it cannot drift.

use super::Result;
use crate::cli::{SchemaArgs, SchemaFile};
use crate::report::model::{MetricMap, Report};

/// Prints the schema to stdout.
pub fn run(args: &SchemaArgs) -> Result {
    let mut schema = match args.file {
        SchemaFile::Report => schemars::schema_for!(Report),
        SchemaFile::Metrics => schemars::schema_for!(MetricMap),
    };
    let title = match args.file {
        SchemaFile::Report => "baogao report.yaml",
        SchemaFile::Metrics => "baogao metrics.yaml",
    };
    schema.insert("title".into(), title.into());
    say!("{}", serde_json::to_string_pretty(&schema).expect("a schema is JSON"));
    Ok(())
}
