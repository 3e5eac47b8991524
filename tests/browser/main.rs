//! The three journeys in a real browser: headless Chromium driven through ChromeDriver
//! (Debian's `chromium` and `chromium-driver`, which `.ci/run` installs) against the real
//! `redeploy serve --demo`, on SQLite or, when `REDEPLOY_TEST_POSTGRES_URL` is set, PostgreSQL.
//!
//! - Trust HR signs in, uploads a file with one bad row and sees that row's message, fixes it
//!   and saves it, and opens the new vacancy with its candidates.
//! - A staff member follows the invitation link read from the delivered email, sets a
//!   password, and says they are interested in that vacancy.
//! - Trust HR then moves them to interview, with a date.
//! - The partnership opens the dashboard, groups it by month for a chosen period, and
//!   downloads the CSV (fetched by the page's own link; the browser saves no file).
//! - Each role is refused another role's pages.
//!
//! On every page axe-core (npm `axe-core`, pinned in `web/package.json`, installed into
//! `web/node_modules` by `npm ci`) must find no serious or critical accessibility violation,
//! and a screenshot is saved under `target/screenshots/`.
//!
//! The journeys share one server and one browser and run one after another, as the people
//! would: two Chromium instances at once would only slow both.

#[path = "../foundation/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use helpers::{Server, TestDatabase, redeploy, subfolder};

/// A ChromeDriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "ChromeDriver ({binary}) cannot be started: {e}. Install Debian's chromium and \
                     chromium-driver (`.ci/run` does), or set CHROMEDRIVER to its path."
                )
            });
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "ChromeDriver never listened");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with a fresh profile, no network beyond the service, and downloads off.
async fn browser(driver: &Driver, profile: &Path) -> Client {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {"download_restrictions": 3},
        }),
    );
    // The service's database driver brings rustls with ring, the driver client with aws-lc:
    // with both present, one must be chosen before the first connection.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = ClientBuilder::rustls().expect("rustls");
    builder.capabilities(capabilities);
    builder
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// What a journey needs: the browser, the service's address, and where to keep screenshots.
struct Journey<'a> {
    client: &'a Client,
    base: String,
    screenshots: PathBuf,
    axe: &'a str,
    pages_checked: Vec<String>,
}

impl Journey<'_> {
    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    async fn source(&self) -> String {
        self.client.source().await.expect("page source")
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The page once it shows `text` (a click's page may still be loading), or a failure
    /// showing the page as it is.
    async fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = self.source().await;
            if page.contains(text) {
                return page;
            }
            assert!(
                Instant::now() < deadline,
                "the page never showed {text:?}: {page}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the browser is at `path`.
    async fn wait_at(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.path().await != path {
            assert!(
                Instant::now() < deadline,
                "never reached {path}: at {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.ok();
        field.send_keys(text).await.expect("type");
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .expect("click");
    }

    async fn sign_in(&self, email: &str, password: &str) {
        self.client
            .delete_all_cookies()
            .await
            .expect("a fresh start");
        self.open("/sign-in").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("button[type=submit]").await;
    }

    /// Checks the page with axe-core and saves its screenshot as `name`.
    async fn check(&mut self, name: &str) {
        self.client
            .execute(self.axe, Vec::new())
            .await
            .expect("load axe-core");
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, {resultTypes: ['violations']}).then(result => done(
                     result.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                                 v.nodes.map(n => n.target.join(' ')).join(', '))));"#,
                Vec::new(),
            )
            .await
            .expect("run axe-core");
        let violations: Vec<String> = serde_json::from_value(found).unwrap_or_default();
        assert!(
            violations.is_empty(),
            "{name} ({}): {violations:#?}",
            self.path().await
        );
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.screenshots.join(format!("{name}.png")), png).expect("save screenshot");
        self.pages_checked.push(name.to_owned());
    }
}

/// A plain HTTP/1.1 request to the service's JSON API, as a script would make one.
fn api(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let text = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    (status, serde_json::from_str(text).unwrap_or(Value::Null))
}

/// The invitation link in the newest `.eml` in `mail` that is addressed to `to`, once the
/// service has delivered it (it delivers every few seconds). Soft line breaks of
/// quoted-printable are joined first.
fn invitation_link(mail: &Path, to: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(entries) = std::fs::read_dir(mail) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let text = text
                    .replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=");
                if text.contains(to)
                    && let Some(start) = text.find("http://")
                {
                    let link: String = text[start..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
                        .collect();
                    if link.contains("/invitations/") {
                        return link;
                    }
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "no invitation email for {to} in {}",
            mail.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

const VACANCY_HEADER: &str = "Job reference,Job title,Pay band,Staff group,Site,Hours,Closing date,Essential skills,Desirable skills,Registration required,Contact email";
const TITLE: &str = "Tissue Viability Nurse Specialist";

/// Two posts at `site`, closing tomorrow (so that they lead HR's list, soonest closing first).
fn vacancy_file(site: &str, band: &str) -> String {
    let closes = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%d/%m/%Y");
    format!(
        "{VACANCY_HEADER}\n\
         BRW-TV1,{TITLE},{band},Nursing and Midwifery Registered,\"{site}\",37.5,{closes},Wound care; Tissue viability,,NMC,recruitment@example.nhs.uk\n\
         BRW-TV2,Staff Nurse (Browser),5,Nursing and Midwifery Registered,\"{site}\",37.5,{closes},Wound care,,NMC,recruitment@example.nhs.uk\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_three_journeys_work_in_a_real_browser_and_every_page_passes_axe() {
    let axe_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("web/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed at {} ({e}): run `npm ci --prefix web` (`.ci/run` does)",
            axe_path.display()
        )
    });
    let screenshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&screenshots).expect("screenshot folder");

    let db = TestDatabase::fresh().await;
    let folder = subfolder(&db, "run");
    // The email's links lead to `[server] public_url`: the address the service listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut command = redeploy(&folder);
    command
        .env("REDEPLOY__SERVER__PUBLIC_URL", format!("http://{listen}"))
        .env("REDEPLOY__DEMO__STAFF", "300")
        .env("REDEPLOY__DEMO__VACANCIES", "900")
        .env("REDEPLOY__DEMO__PAST_CASES", "60")
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            &listen,
            "--demo",
        ]);
    let server = Server::start_with(command);
    let account = |role: &str| -> (String, String) {
        let line = server
            .lines
            .iter()
            .find(|l| l.starts_with(&format!("demo account: {role} ")))
            .unwrap_or_else(|| panic!("a demo {role} account in {:?}", server.lines));
        let parts: Vec<&str> = line.split_whitespace().collect();
        (parts[3].to_owned(), parts[4].to_owned())
    };
    let (hr_email, hr_password) = account("trust_hr");
    let (analyst_email, analyst_password) = account("partnership");
    let (staff_email, staff_password) = account("staff");
    let (admin_email, admin_password) = account("admin");

    // Where HR works: their trust and its first site, read as any API client would.
    let (status, signed_in) = api(
        &server.address,
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"email": hr_email, "password": hr_password})),
    );
    assert_eq!(status, 201, "{signed_in}");
    let hr_token = signed_in["token"].as_str().unwrap().to_owned();
    let trust = signed_in["user"]["trust"].as_str().unwrap().to_owned();
    let (_, trusts) = api(
        &server.address,
        "GET",
        "/api/v1/trusts",
        Some(&hr_token),
        None,
    );
    let own = trusts
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["ods_code"] == trust.as_str())
        .unwrap();
    let site_id = own["sites"][0]["id"].as_i64().unwrap();
    let site_name = own["sites"][0]["name"].as_str().unwrap().to_owned();

    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("a browser profile");
    let client = browser(&driver, profile.path()).await;
    let mut journey = Journey {
        client: &client,
        base: format!("http://{}", server.address),
        screenshots,
        axe: &axe,
        pages_checked: Vec::new(),
    };

    // ── Trust HR: sign in, upload with one bad row, fix, save, open the vacancy ──
    journey.open("/sign-in").await;
    journey.check("sign-in").await;
    journey.sign_in(&hr_email, "not the password").await;
    journey
        .wait_for("Enter a correct email address and password")
        .await;
    journey.check("sign-in-error").await;
    journey.sign_in(&hr_email, &hr_password).await;
    journey.wait_for("Waiting on you").await;
    journey.check("hr-home").await;
    journey.open("/vacancies").await;
    journey.wait_for("Vacancies: ").await;
    journey.check("hr-vacancies").await;
    journey.open("/staff").await;
    journey.wait_for("At-risk staff: ").await;
    journey.check("hr-cases").await;

    let files = tempfile::tempdir().expect("a folder for files");
    let bad = files.path().join("vacancies-with-a-bad-row.csv");
    std::fs::write(&bad, vacancy_file(&site_name, "Band 55")).unwrap();
    let good = files.path().join("vacancies.csv");
    std::fs::write(&good, vacancy_file(&site_name, "5")).unwrap();

    journey.click("a[href='/upload']").await;
    journey.check("upload").await;
    journey.click("#kind-vacancies").await;
    journey.fill("#file", &bad.display().to_string()).await;
    journey
        .click("button[type=submit]:not(.redeploy-link-button)")
        .await;
    let page = journey
        .wait_for("vacancies-with-a-bad-row.csv has 1 problem. Nothing has been saved.")
        .await;
    let row = page
        .split("<td class=\"nhsuk-table__cell\">2</td>")
        .nth(1)
        .expect("row 2 is listed");
    assert!(row.contains("Pay band") && row.contains("Band 55"), "{row}");
    journey.check("upload-problems").await;

    journey.click("a.nhsuk-button[href='/upload']").await;
    journey.wait_for("What does the file hold?").await;
    journey.click("#kind-vacancies").await;
    journey.fill("#file", &good.display().to_string()).await;
    journey
        .click("button[type=submit]:not(.redeploy-link-button)")
        .await;
    journey.wait_for("Check and confirm the upload").await;
    journey.check("upload-preview").await;
    journey.click("form[action='/upload/confirm'] button").await;
    journey
        .wait_for("2 vacancies added, 0 updated, 0 unchanged")
        .await;
    journey.check("upload-saved").await;

    // Register the staff member the new post suits through the form, and invite them.
    let nurse_email = "tissue.viability@example.nhs.uk";
    journey.open("/").await;
    journey.click("a[href='/staff/new']").await;
    journey
        .wait_for("Register an at-risk member of staff</h1>")
        .await;
    journey.check("hr-register-staff").await;
    // Sent half filled first: the summary links what is missing.
    journey.fill("#name", "Ada Browser").await;
    journey.click("main button[type=submit]").await;
    journey.wait_for(r##"<a href="#staff_number">"##).await;
    journey.check("hr-register-staff-error").await;
    for (field, text) in [
        ("#staff_number", "BRW-1"),
        ("#email", nurse_email),
        ("#job_title", "Staff Nurse"),
        ("#skills", "Wound care\nTissue viability"),
        ("#registrations", "NMC"),
        ("#max_travel_minutes", "30"),
        ("#hours_min", "30"),
        ("#hours_max", "37.5"),
        ("#redeployment_period_ends-day", "1"),
        ("#redeployment_period_ends-month", "1"),
        ("#redeployment_period_ends-year", "2099"),
        ("#continuous_service_start-day", "1"),
        ("#continuous_service_start-month", "1"),
        ("#continuous_service_start-year", "2012"),
    ] {
        journey.fill(field, text).await;
    }
    for (select, value) in [
        ("#band", "5".to_owned()),
        ("#staff_group", "nursing_midwifery_registered".to_owned()),
        ("#base_site", site_id.to_string()),
    ] {
        client
            .find(Locator::Css(select))
            .await
            .unwrap()
            .select_by_value(&value)
            .await
            .unwrap_or_else(|e| panic!("{select} {value}: {e}"));
    }
    journey.click("main button[type=submit]").await;
    journey.wait_for("Ada Browser is registered.").await;
    let staff_id: i64 = journey
        .path()
        .await
        .trim_start_matches("/staff/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect("the case's id in its address");
    journey
        .click(&format!("form[action='/staff/{staff_id}/invite'] button"))
        .await;
    journey.wait_for("An invitation is on its way to").await;
    journey.check("hr-case").await;

    journey.open("/").await;
    let vacancy_link = client
        .find(Locator::LinkText(TITLE))
        .await
        .expect("the new vacancy is listed on the home page");
    vacancy_link.click().await.expect("open the vacancy");
    let page = journey.wait_for(&format!("<h1>{TITLE}, band 5</h1>")).await;
    assert!(page.contains("Ada Browser") && page.contains("Exact match"));
    journey.check("hr-vacancy").await;

    // ── The staff member: the invitation link from the delivered email, a password, interest ──
    let link = invitation_link(&folder.join("data/mail"), nurse_email);
    client.delete_all_cookies().await.unwrap();
    client
        .goto(&link)
        .await
        .expect("follow the invitation link");
    journey.wait_for("Ada Browser").await;
    journey.check("invitation").await;
    journey.fill("#password", "a long staff password 42").await;
    journey.fill("#confirm", "a long staff password 42").await;
    journey
        .click("button[type=submit]:not(.redeploy-link-button)")
        .await;
    // Then completes the profile HR started: a shorter journey, and a weekly email.
    journey.wait_for("Welcome, Ada Browser.").await;
    journey.check("staff-profile").await;
    journey.fill("#max_travel_minutes", "45").await;
    journey.click("#email_frequency-weekly").await;
    journey.fill("#add_skill", "Pressure area care").await;
    journey.click("main button[type=submit]").await;
    journey.wait_for("Your profile is saved.").await;
    let mut found = false;
    for _ in 0..20 {
        let page = journey.source().await;
        if page.contains(&format!("{TITLE}, band 5")) {
            found = true;
            break;
        }
        match client
            .find(Locator::Css("a.nhsuk-pagination__link--next"))
            .await
        {
            Ok(next) => {
                next.click().await.unwrap();
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(_) => break,
        }
    }
    assert!(found, "the new post is among Ada's vacancies");
    journey.check("staff-vacancies").await;
    let card = client
        .find(Locator::XPath(&format!(
            "//div[contains(@class,'nhsuk-card')][.//h2[contains(., '{TITLE}')]]"
        )))
        .await
        .expect("the post's card");
    card.find(Locator::Css("input[value=interested] ~ button"))
        .await
        .expect("the interested button")
        .click()
        .await
        .unwrap();
    // Answered, the post offers no more buttons (and below, HR finds Ada waiting on them).
    let unanswered = format!(
        "//div[contains(@class,'nhsuk-card')][.//h2[contains(., '{TITLE}')]]//input[@value='interested']"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while client.find(Locator::XPath(&unanswered)).await.is_ok() {
        assert!(Instant::now() < deadline, "the answer was never taken");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // ── Trust HR: the candidate waits on them; shortlist, then interview on a date ──
    journey.sign_in(&hr_email, &hr_password).await;
    journey.wait_for("Waiting on you").await;
    let waiting = client
        .find(Locator::XPath(
            "//a[contains(., 'Decide the next step')][contains(., 'Ada Browser')]",
        ))
        .await
        .expect("Ada waits on HR");
    waiting.click().await.unwrap();
    journey.wait_for("Ada Browser for").await;
    journey.check("hr-pair").await;
    journey
        .click("form input[value=shortlisted] ~ button")
        .await;
    journey.wait_for("Interested to Shortlisted").await;
    journey.click("form input[value=interview] ~ button").await;
    journey.wait_for(r##"<a href="#interview-day">"##).await;
    journey.check("hr-pair-error").await;
    journey.fill("#interview-day", "27").await;
    journey.fill("#interview-month", "3").await;
    journey.fill("#interview-year", "2027").await;
    journey.click("form input[value=interview] ~ button").await;
    journey.wait_for("Shortlisted to Interview").await;
    journey.check("hr-pair-interview").await;

    // HR may not open the dashboard; staff may not upload.
    journey.open("/reports").await;
    journey.wait_for("This page is not for your account").await;
    journey.check("refused").await;
    journey.sign_in(&staff_email, &staff_password).await;
    journey.wait_for("You are signed in").await;
    journey.check("staff-home").await;
    journey.open("/me/why-not?reference=BRW-TV2").await;
    journey.wait_for("Staff Nurse (Browser)").await;
    journey.check("staff-why-not").await;
    journey.open("/upload").await;
    assert!(
        journey
            .source()
            .await
            .contains("This page is not for your account")
    );
    journey.open(&format!("/staff/{staff_id}")).await;
    assert!(
        journey
            .source()
            .await
            .contains("This page is not for your account")
    );

    // ── The partnership: the dashboard, by month for a period, and its CSV ──
    journey.sign_in(&analyst_email, &analyst_password).await;
    journey.wait_for("Redeployments and savings").await;
    assert_eq!(journey.path().await, "/reports");
    journey.check("dashboard").await;
    client
        .execute(
            "document.getElementById('from').value = arguments[0]; document.getElementById('to').value = arguments[1];",
            vec![json!("2025-01-01"), json!("2026-06-30")],
        )
        .await
        .unwrap();
    let group_by = client.find(Locator::Css("#group_by")).await.unwrap();
    group_by.select_by_value("month").await.unwrap();
    journey.click("form[action='/reports'] button").await;
    journey
        .wait_at("/reports?from=2025-01-01&to=2026-06-30&group_by=month")
        .await;
    journey.wait_for("People redeployed by month").await;
    journey.check("dashboard-by-month").await;
    let csv = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const link = document.querySelector('a[download]');
               fetch(link.href).then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));"#,
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(csv[0], 200);
    assert!(csv[1].as_str().unwrap().starts_with("text/csv"));
    let text = csv[2].as_str().unwrap();
    assert!(text.starts_with("key,redeployments,"), "{text}");
    let month_rows = text
        .lines()
        .filter(|l| l.len() > 8 && l.as_bytes()[4] == b'-' && l.as_bytes()[7] == b',')
        .count();
    assert!(month_rows > 0, "a row a month: {text}");
    journey.open("/upload").await;
    assert!(
        journey
            .source()
            .await
            .contains("This page is not for your account")
    );

    // ── Admin: accounts, undelivered emails, trusts and sites, the vocabulary ──
    journey.sign_in(&admin_email, &admin_password).await;
    journey.wait_for("Redeployment at every trust").await;
    journey.open("/admin").await;
    journey.wait_for("Add an account").await;
    journey.check("admin").await;

    // Admin adds a site to a trust (a wrong postcode first), and a skill to the vocabulary.
    journey.click("a[href='/admin/trusts/RJZ']").await;
    journey.wait_for("Add a site").await;
    journey.fill("#site-name", "Camberwell Clinic").await;
    journey.fill("#site-postcode", "not a postcode").await;
    journey
        .click("form[action='/admin/trusts/RJZ/sites'] button")
        .await;
    journey.wait_for("There is a problem").await;
    journey.check("admin-trust-site-refused").await;
    journey.fill("#site-postcode", "SE5 8AZ").await;
    journey
        .click("form[action='/admin/trusts/RJZ/sites'] button")
        .await;
    journey.wait_for("The site is added").await;
    journey.check("admin-trust").await;
    journey.click("a[href^='/admin/sites/']").await;
    journey.wait_for("Save the site").await;
    journey.check("admin-site").await;
    journey.open("/admin/trusts/new").await;
    journey.wait_for("Add the trust").await;
    journey.check("admin-add-trust").await;
    journey.open("/admin/skills/new").await;
    journey.fill("#skill-name", "Lymphoedema care").await;
    journey.click("form[action='/admin/skills'] button").await;
    journey.wait_for("The skill is in the vocabulary").await;
    journey.fill("#synonym-synonym", "Lymph care").await;
    journey.click("form[action$='/synonyms'] button").await;
    journey
        .wait_for("Skills entered from now on in these words")
        .await;
    journey.check("admin-skill").await;

    // The OpenAPI viewer renders under the same content security policy as every page.
    journey.open("/api/docs/").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let operations = client
            .find_all(Locator::Css(".swagger-ui .opblock"))
            .await
            .map(|found| found.len())
            .unwrap_or(0);
        if operations > 10 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the API viewer never drew its operations under the CSP: {}",
            journey.source().await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(journey.screenshots.join("api-docs.png"), png).expect("save screenshot");

    let checked = journey.pages_checked.len();
    client.close().await.ok();
    drop(driver);
    server.stop();
    db.finish().await;
    assert!(checked >= 30, "every page was checked: {checked}");
}
