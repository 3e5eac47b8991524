//! The SQL side of the matching benchmark: the same full rematch the in-memory matcher does,
//! written as one PostgreSQL statement over the same demo data set, so that the benchmark can
//! time both in one run and print how they compare.
//!
//! The statement applies every hard rule (open vacancy, active case, band and consent,
//! registration, hours, people's decisions, travel limit), scores each eligible pair as the
//! matcher does, and ranks each vacancy's candidates with a window function, so the database
//! does all the work the matcher does rather than a cheaper approximation of it. It is tuned
//! as one would tune it by hand, so that the comparison is with SQL at its best: skill sets as
//! bit strings (as the matcher keeps them), travel worked out once per person and site (a
//! vacancy is wherever its site is), and the band rule as an equality join so that the planner
//! never pairs people with bands they cannot take.
//!
//! It must never touch a database it did not create: it makes its own `redeploy_bench_<pid>`
//! on the server it is given, works only there, and always drops it again, even when loading
//! or ranking fails. It must never be pointed at a server holding anything that matters.

use std::error::Error;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use matcher::MatchPolicy;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
    TransactionTrait, Value,
};

/// What the SQL ranking found, and how long the ranking statement took.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlRanking {
    pub eligible_pairs: u64,
    pub exact_matches: u64,
    /// Sum of every eligible pair's score (each score rounded to hundredths).
    pub score_total: f64,
    /// Wall-clock seconds of the ranking query alone (not the data load).
    pub seconds: f64,
}

/// Creates a fresh database `redeploy_bench_<pid>` on the server at `server_url`
/// (e.g. postgres://postgres@127.0.0.1:5432/postgres), loads the demo data set into it with
/// the service's own binary, ranks every pair in one SQL statement, drops the database, and
/// returns the figures. `policy` supplies the numbers (band drop, travel model, weights,
/// exact-match thresholds); `today` the day vacancies' closing dates are compared with.
///
/// Runs its own single-threaded async runtime, so it must be called from ordinary synchronous
/// code, not from inside another runtime.
pub fn rank_in_postgres(
    server_url: &str,
    binary: &Path,
    seed: u64,
    staff: usize,
    vacancies: usize,
    today: NaiveDate,
    policy: &MatchPolicy,
) -> Result<SqlRanking, Box<dyn Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let name = format!("redeploy_bench_{}", std::process::id());
        let database_url = with_database(server_url, &name)?;
        let server = connect(server_url).await.map_err(|e| {
            format!("cannot connect to the PostgreSQL server for the benchmark: {e}")
        })?;
        // A database of this name can only be left over from an earlier run that died with
        // the same process id; it is ours to replace.
        server
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await?;
        server
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| format!("cannot create the benchmark database {name}: {e}"))?;

        let ranked =
            load_and_rank(&database_url, binary, seed, staff, vacancies, today, policy).await;

        // Dropped whatever happened above, so that a failed run leaves nothing behind.
        let dropped = server
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await;
        let _ = server.close().await;
        let ranking = ranked?;
        dropped.map_err(|e| format!("cannot drop the benchmark database {name}: {e}"))?;
        Ok(ranking)
    })
}

/// One connection is all either side needs, and the statement log would swamp the
/// benchmark's own output. A server that is not there should fail the run in seconds, not
/// after the pool's default half minute.
async fn connect(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(1)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// `server_url` with its database name replaced by `name`, keeping any query string.
fn with_database(server_url: &str, name: &str) -> Result<String, Box<dyn Error>> {
    let start = server_url
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| format!("{server_url:?} is not a postgres:// URL"))?;
    let (scheme, rest) = server_url.split_at(start);
    let (rest, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    Ok(format!("{scheme}{authority}/{name}{query}"))
}

async fn load_and_rank(
    database_url: &str,
    binary: &Path,
    seed: u64,
    staff: usize,
    vacancies: usize,
    today: NaiveDate,
    policy: &MatchPolicy,
) -> Result<SqlRanking, Box<dyn Error>> {
    load_demo(database_url, binary, seed, staff, vacancies, today)?;
    let db = connect(database_url).await?;
    let ranked = rank(&db, today, policy).await;
    // Closed before the caller drops the database, which refuses while anyone is connected.
    let _ = db.close().await;
    ranked
}

/// Loads the demo data set with the service's own `demo` command, so that the SQL ranks
/// exactly the rows the service would store, migrated by the service's own migrations.
fn load_demo(
    database_url: &str,
    binary: &Path,
    seed: u64,
    staff: usize,
    vacancies: usize,
    today: NaiveDate,
) -> Result<(), Box<dyn Error>> {
    // Run in an empty folder: a `config/` folder where it runs would override the built-in
    // configuration the in-memory side uses, and the data folder must not land in the project.
    let scratch = tempfile::tempdir()?;
    let output = Command::new(binary)
        .current_dir(scratch.path())
        .arg("--data-dir")
        .arg(scratch.path())
        .args(["--database-url", database_url, "demo"])
        .args(["--seed", &seed.to_string()])
        .args(["--staff", &staff.to_string()])
        .args(["--vacancies", &vacancies.to_string()])
        .args(["--today", &today.format("%Y-%m-%d").to_string()])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "loading the demo data set with {} failed ({}):\n{}",
            binary.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        )
        .into());
    }
    Ok(())
}

/// Times the ranking statement on freshly analysed tables and reads its one row.
async fn rank(
    db: &DatabaseConnection,
    today: NaiveDate,
    policy: &MatchPolicy,
) -> Result<SqlRanking, Box<dyn Error>> {
    // Fresh statistics, as any database that has been running a while would have; without
    // them the planner guesses row counts for just-loaded tables and picks poor joins.
    db.execute_unprepared("ANALYZE").await?;

    let w = &policy.weights;
    let values: Vec<Value> = vec![
        today.into(),
        i32::from(policy.max_band_drop).into(),
        policy.travel.base_minutes.into(),
        policy.travel.minutes_per_km.into(),
        i64::from(policy.exact_match_max_travel_minutes).into(),
        policy.exact_match_hours_tolerance.into(),
        f64::from(w.essential_skills).into(),
        f64::from(w.desirable_skills).into(),
        f64::from(w.band).into(),
        f64::from(w.travel).into(),
        f64::from(w.hours).into(),
        f64::from(w.staff_group).into(),
    ];
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, RANKING_SQL, values);

    // A transaction keeps the setting below on the connection the statement runs on, and
    // only for this statement's sake.
    let txn = db.begin().await?;
    // Enough sort memory to rank in memory rather than spilling to disk, as anyone tuning
    // this one analytical statement would allow; everything else is the server's default.
    txn.execute_unprepared("SET LOCAL work_mem = '256MB'")
        .await?;
    let started = Instant::now();
    let row = txn.query_one_raw(statement).await?;
    let seconds = started.elapsed().as_secs_f64();
    txn.rollback().await?;

    let row = row.ok_or("the ranking statement returned no row")?;
    let count = |column: &str| -> Result<u64, Box<dyn Error>> {
        let value: i64 = row.try_get("", column)?;
        Ok(u64::try_from(value)?)
    };
    let eligible_pairs = count("eligible_pairs")?;
    let exact_matches = count("exact_matches")?;
    let score_hundredths = count("score_hundredths")?;
    // Read so that the ranks are visibly part of the answer: every rank and every staff id is
    // at least 1, so eligible pairs without a positive checksum mean the ranking went wrong.
    let order_checksum: i64 = row.try_get("", "order_checksum")?;
    if eligible_pairs > 0 && order_checksum < 1 {
        return Err(format!(
            "the ranking returned {eligible_pairs} pairs but an order checksum of {order_checksum}"
        )
        .into());
    }
    Ok(SqlRanking {
        eligible_pairs,
        exact_matches,
        // Summed as whole hundredths, so the total is exact whatever order rows were added in.
        score_total: score_hundredths as f64 / 100.0,
        seconds,
    })
}

/// Every eligible pair, scored and ranked within its vacancy, in one statement.
///
/// Parameters: $1 today; $2 the furthest band drop allowed; $3 and $4 the travel model's base
/// minutes and minutes per km; $5 and $6 the exact-match travel limit and hours tolerance;
/// $7 to $12 the weights of essential skills, desirable skills, band, travel, hours and staff
/// group.
///
/// It mirrors the matcher's arithmetic step by step, because scores are rounded to
/// hundredths and a different order of floating-point operations could land a half on the
/// other side. Rounding is `floor(x + 0.5)` on values that are never negative: that is the
/// matcher's half-up rounding, where PostgreSQL's `round` on double precision would round
/// halves to even. Distance is the flat-earth estimate the matcher uses, from the person to
/// the vacancy's site, with the person placed by full home postcode, else its district, else
/// their base site, as the service places them.
const RANKING_SQL: &str = r#"
WITH no_skills AS (
    -- One bit per skill id; sets of the same width can be ANDed and their common bits counted.
    SELECT repeat('0', coalesce(max(id), 0) + 1)::varbit AS bits FROM skills
),
staff_skill_sets AS (
    SELECT ss.staff_id, bit_or(set_bit(z.bits, ss.skill_id, 1)) AS bits
    FROM staff_skills ss CROSS JOIN no_skills z
    GROUP BY ss.staff_id
),
vacancy_skill_sets AS (
    SELECT vs.vacancy_id,
           count(*) FILTER (WHERE vs.essential) AS essential_count,
           count(*) FILTER (WHERE NOT vs.essential) AS desirable_count,
           bit_or(set_bit(z.bits, vs.skill_id, 1)) FILTER (WHERE vs.essential) AS essential,
           bit_or(set_bit(z.bits, vs.skill_id, 1)) FILTER (WHERE NOT vs.essential) AS desirable
    FROM vacancy_skills vs CROSS JOIN no_skills z
    GROUP BY vs.vacancy_id
),
people AS MATERIALIZED (
    -- Each active case once, with everything the pairs need, so no per-pair lookups follow.
    SELECT s.id, s.band_rank, s.staff_group, s.max_travel_minutes, s.hours_min, s.hours_max,
           s.priority_tier, s.redeployment_period_ends,
           CASE WHEN s.lower_band_consent THEN $2 ELSE 0 END AS max_drop,
           coalesce(home.lat, district.lat, base.lat) AS lat,
           coalesce(home.lon, district.lon, base.lon) AS lon,
           cos(radians(coalesce(home.lat, district.lat, base.lat))) AS cos_lat,
           coalesce(held.bits, z.bits) AS skills,
           ARRAY(SELECT r.registration FROM staff_registrations r WHERE r.staff_id = s.id)
               AS registrations
    FROM at_risk_staff s
    CROSS JOIN no_skills z
    LEFT JOIN staff_skill_sets held ON held.staff_id = s.id
    CROSS JOIN LATERAL (
        -- The postcode's normal form: outward code, a space, the last three characters.
        SELECT upper(regexp_replace(s.home_postcode, '\s', '', 'g')) AS compact
    ) pc
    LEFT JOIN postcode_locations home
           ON length(pc.compact) BETWEEN 5 AND 7
          AND home.postcode = left(pc.compact, -3) || ' ' || right(pc.compact, 3)
    LEFT JOIN postcode_locations district
           ON length(pc.compact) BETWEEN 5 AND 7
          AND district.postcode = left(pc.compact, -3)
    JOIN sites base ON base.id = s.base_site_id
    WHERE s.status = 'active'
),
journeys AS MATERIALIZED (
    -- Every vacancy sits at its site, so travel is worked out once per person and site, and
    -- only the sites within the person's limit go on.
    SELECT j.*,
           floor($10 * greatest(0.0, least(1.0, 1.0 - j.minutes / j.max_travel_minutes::float8))
                 * 100.0 + 0.5)::int AS travel_points
    FROM (
        SELECT p.*, site.id AS site_id,
               greatest(floor($3 + $4 * sqrt(
                     ((site.lat - p.lat) * (6371.0088 * pi() / 180.0))
                   * ((site.lat - p.lat) * (6371.0088 * pi() / 180.0))
                   + ((site.lon - p.lon) * (6371.0088 * pi() / 180.0)
                       * (p.cos_lat + cos(radians(site.lat))) * 0.5)
                   * ((site.lon - p.lon) * (6371.0088 * pi() / 180.0)
                       * (p.cos_lat + cos(radians(site.lat))) * 0.5)
               ) + 0.5), 0.0) AS minutes
        FROM people p CROSS JOIN sites site
        -- Keeps the minutes worked out once, not again in the filter and the points.
        OFFSET 0
    ) j
    WHERE j.minutes <= j.max_travel_minutes
),
reach AS MATERIALIZED (
    -- The bands each person may take: their own, and lower ones only with consent.
    SELECT j.*, j.band_rank - d.drop AS vacancy_band,
           floor($9 / power(2.0::float8, d.drop) * 100.0 + 0.5)::int AS band_points
    FROM journeys j
    JOIN generate_series(0, $2) AS d(drop) ON d.drop <= j.max_drop
),
posts AS MATERIALIZED (
    SELECT v.id, v.site_id, v.band_rank, v.staff_group, v.hours, v.registration_required,
           coalesce(w.essential_count, 0) AS essential_count,
           coalesce(w.desirable_count, 0) AS desirable_count,
           coalesce(w.essential, z.bits) AS essential,
           coalesce(w.desirable, z.bits) AS desirable
    FROM vacancies v
    CROSS JOIN no_skills z
    LEFT JOIN vacancy_skill_sets w ON w.vacancy_id = v.id
    WHERE v.status = 'open' AND v.closing_date >= $1
),
excluded AS MATERIALIZED (
    SELECT staff_id, vacancy_id FROM matches
    WHERE status IN ('declined_by_staff', 'rejected_by_employer')
),
scored AS (
    SELECT r.id AS staff_id, v.id AS vacancy_id, v.site_id, v.band_rank,
           r.priority_tier, r.redeployment_period_ends,
           floor($7 * CASE WHEN v.essential_count = 0 THEN 1.0
                      ELSE bit_count(r.skills & v.essential)::float8 / v.essential_count::float8
                      END * 100.0 + 0.5)::int
         + floor($8 * CASE WHEN v.desirable_count = 0 THEN 1.0
                      ELSE bit_count(r.skills & v.desirable)::float8 / v.desirable_count::float8
                      END * 100.0 + 0.5)::int
         + r.band_points
         + r.travel_points
         + floor($11 * greatest(0.0, least(1.0, 1.0 - abs(r.hours_max - v.hours) / r.hours_max))
                 * 100.0 + 0.5)::int
         + CASE WHEN r.staff_group = v.staff_group THEN floor($12 * 100.0 + 0.5)::int ELSE 0 END
           AS hundredths,
           (r.band_rank = v.band_rank
            AND bit_count(r.skills & v.essential) = v.essential_count
            AND r.minutes <= $5
            AND abs(r.hours_max - v.hours) <= $6 * r.hours_max + 1e-9) AS exact
    FROM reach r
    JOIN posts v ON v.site_id = r.site_id AND v.band_rank = r.vacancy_band
    WHERE v.hours >= r.hours_min AND v.hours <= r.hours_max
      AND (v.registration_required IS NULL OR v.registration_required = ANY (r.registrations))
      AND NOT EXISTS (SELECT 1 FROM excluded x WHERE x.staff_id = r.id AND x.vacancy_id = v.id)
),
ranked AS (
    -- The site and band ride along in the partition (a vacancy has one of each), so rows
    -- that arrive grouped by site and band need sorting only within those groups.
    SELECT s.*, row_number() OVER (
               PARTITION BY s.site_id, s.band_rank, s.vacancy_id
               ORDER BY s.priority_tier, s.exact DESC, s.hundredths DESC,
                        s.redeployment_period_ends, s.staff_id) AS place
    FROM scored s
)
SELECT count(*) AS eligible_pairs,
       count(*) FILTER (WHERE exact) AS exact_matches,
       coalesce(sum(hundredths), 0)::int8 AS score_hundredths,
       -- Depends on every rank, so the ordering cannot be skipped.
       coalesce(sum(place * staff_id), 0)::int8 AS order_checksum
FROM ranked
"#;
