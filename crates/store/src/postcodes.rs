//! Importing exact postcode positions (the ONS Postcode Directory, or any CSV with a postcode
//! and WGS84 latitude and longitude), so that a full home postcode places a person more exactly
//! than its district. Streams the file in batches: the directory has millions of rows.

use std::io::Read;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr};

use crate::entities::postcode_location;
use crate::store_support::insert_chunked;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostcodeImport {
    pub stored: u64,
    /// Rows left out: no position (the directory writes 99.999999), ended postcodes, or text
    /// that is not a postcode.
    pub skipped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum PostcodeImportError {
    #[error("the file could not be read as CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error(
        "the file has no {0} column; expected the ONS Postcode Directory (pcds, lat, long) or a CSV with postcode, latitude and longitude"
    )]
    MissingColumn(&'static str),
    #[error(transparent)]
    Database(#[from] DbErr),
}

const BATCH: usize = 5_000;

fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

/// Reads `source` and upserts every usable row; `progress` is told the rows read so far.
pub async fn import_postcodes(
    db: &DatabaseConnection,
    source: impl Read,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<PostcodeImport, PostcodeImportError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(source);
    let headers = reader.headers()?.clone();
    let postcode = column(&headers, &["pcds", "postcode", "pcd", "pcd2"])
        .ok_or(PostcodeImportError::MissingColumn("postcode"))?;
    let lat = column(&headers, &["lat", "latitude"])
        .ok_or(PostcodeImportError::MissingColumn("latitude"))?;
    let lon = column(&headers, &["long", "lon", "lng", "longitude"])
        .ok_or(PostcodeImportError::MissingColumn("longitude"))?;
    let ended = column(&headers, &["doterm"]);
    let mut outcome = PostcodeImport::default();
    // Keyed by postcode, so a postcode listed twice is written once (the last row wins).
    let mut batch: std::collections::HashMap<String, (f64, f64)> =
        std::collections::HashMap::with_capacity(BATCH);
    let mut read = 0u64;
    // One transaction: an import that stops half-way leaves the positions as they were.
    let txn = crate::db::begin_write(db).await?;
    let upsert = OnConflict::column(postcode_location::Column::Postcode)
        .update_columns([
            postcode_location::Column::Precision,
            postcode_location::Column::Lat,
            postcode_location::Column::Lon,
            postcode_location::Column::Source,
        ])
        .to_owned();
    for record in reader.records() {
        let record = record?;
        read += 1;
        let position = (
            record
                .get(postcode)
                .and_then(|p| domain::Postcode::parse(p).ok()),
            record.get(lat).and_then(|v| v.trim().parse::<f64>().ok()),
            record.get(lon).and_then(|v| v.trim().parse::<f64>().ok()),
        );
        let live = ended
            .and_then(|i| record.get(i))
            .is_none_or(|d| d.trim().is_empty());
        match position {
            (Some(code), Some(lat), Some(lon))
                if live && domain::Coordinates::new(lat, lon).is_ok() =>
            {
                batch.insert(code.as_str().to_owned(), (lat, lon));
            }
            _ => outcome.skipped += 1,
        }
        if batch.len() == BATCH {
            outcome.stored += batch.len() as u64;
            insert_chunked(
                &txn,
                models(std::mem::take(&mut batch)),
                Some(upsert.clone()),
            )
            .await?;
            progress(read);
        }
    }
    outcome.stored += batch.len() as u64;
    insert_chunked(&txn, models(batch), Some(upsert)).await?;
    txn.commit().await?;
    progress(read);
    Ok(outcome)
}

fn models(
    batch: std::collections::HashMap<String, (f64, f64)>,
) -> Vec<postcode_location::ActiveModel> {
    batch
        .into_iter()
        .map(|(postcode, (lat, lon))| postcode_location::ActiveModel {
            postcode: Set(postcode),
            precision: Set("postcode".to_owned()),
            lat: Set(lat),
            lon: Set(lon),
            source: Set("import".to_owned()),
        })
        .collect()
}
