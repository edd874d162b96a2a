//! Objects stored by earlier code open with this code: the schemas of
//! [`super::schema_fixtures`] (copies of what that code created), with
//! rows as it wrote them.

use serde::Deserialize;

use super::schema::{self, CURRENT};
use super::schema_fixtures::{BEFORE_MIGRATIONS, FIRST, UNIQUE_KEYS};
use super::*;
use crate::domain::ParticipantName;

const SCHEDULE: &str = r#"{"kind":"dates","dates":["2026-12-10"],"start":"09:00","end":"12:00","slot_minutes":30,"timezone":"Asia/Seoul"}"#;
const PASSWORD: &str =
    "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

fn database(schema: &str) -> HostSql {
    let sql = HostSql::new();
    sql.batch(schema).unwrap();
    sql
}

/// The tables and indexes, as SQLite keeps their definitions.
fn definitions(sql: &HostSql) -> Vec<(String, String)> {
    #[derive(Deserialize)]
    struct Definition {
        name: String,
        sql: Option<String>,
    }
    sql.query::<Definition>(
        "SELECT name, sql FROM sqlite_master ORDER BY type, name",
        vec![],
    )
    .unwrap()
    .into_iter()
    .map(|d| (d.name, d.sql.unwrap_or_default()))
    .collect()
}

fn columns(sql: &HostSql, table: &str) -> Vec<String> {
    #[derive(Deserialize)]
    struct Column {
        name: String,
    }
    sql.query::<Column>("SELECT name FROM pragma_table_info(?)", vec![table.into()])
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// What every write of the current code needs works on `sql`.
fn writes_work(sql: &HostSql, version: i64) {
    let bumped = bump_version(sql, 5_000, 9_000_000, Step::Update).unwrap();
    assert_eq!(bumped.version, version + 1);
    let new = ParticipantRow {
        id: "p-new".into(),
        name: "Sora".into(),
        password_hash: None,
        availability: vec![0; 6],
    };
    insert_participant(sql, &new, &ParticipantName::key_of("Sora"), bumped.version).unwrap();
    insert_token(sql, &[9; 32], "p-new", 5).unwrap();
    record_join(sql, "10.0.0.9", 5_000, 0).unwrap();
    record_wrong_password(sql, "p-new", "10.0.0.9", 5_000, 0).unwrap();
    let row = load_appointment(sql).unwrap().unwrap();
    assert_eq!(row.version, version + 1);
    assert_eq!(row.pushed_version, version + 1);
    assert_eq!(
        token_owner(sql, &[9; 32]).unwrap().as_deref(),
        Some("p-new")
    );
    assert_eq!(participant(sql, "p-new").unwrap().unwrap().name, "Sora");
}

#[test]
fn an_empty_database_stays_empty_and_a_new_one_starts_current() {
    let sql = HostSql::new();
    assert!(!schema::open(&sql).unwrap());
    assert!(definitions(&sql).is_empty(), "opening wrote nothing");
    schema::create(&sql).unwrap();
    assert!(schema::open(&sql).unwrap());
    assert_eq!(schema::version(&sql).unwrap(), CURRENT);
    assert!(load_appointment(&sql).unwrap().is_none());
}

#[test]
fn an_object_stored_before_numbered_migrations_reads_back_and_takes_writes() {
    let sql = database(BEFORE_MIGRATIONS);
    // Rows exactly as that code wrote them: creation, then the organiser's
    // tools, a final time, a version step, two participants (one with a
    // password), tokens and the limit windows.
    sql.exec(
        "INSERT INTO meta (one, id, title, schedule, admin_hash, version, final_start,
                           final_end, created_at, changed_at, expires_at, pushed_version)
         VALUES (1, 'appt1', '동아리 회의', ?, ?, 1, NULL, NULL, 1000, 1000, 9000000, 1)",
        vec![SCHEDULE.into(), vec![7u8; 32].into()],
    )
    .unwrap();
    sql.batch(
        "UPDATE meta SET expected = '[\"Minji\",\"지훈\"]', deadline = 4000, deadline_told = 0,
                         required = '[\"p1\"]', min_people = 3, private = 1 WHERE one = 1;
         UPDATE meta SET title = '동아리 회의', final_start = 1, final_end = 3, closed = 1
           WHERE one = 1;
         UPDATE meta SET version = version + 1, pushed_version = version + 1,
                         changed_at = 2000, expires_at = 9000000,
                         unflushed_updates = unflushed_updates + 1 WHERE one = 1;",
    )
    .unwrap();
    sql.exec(
        "INSERT INTO participants (id, name, name_key, password_hash, availability,
                                   changed_version) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            "p1".into(),
            "Minji".into(),
            ParticipantName::key_of("Minji").into(),
            PASSWORD.into(),
            vec![0u8, 1, 2, 2, 1, 0].into(),
            2.into(),
        ],
    )
    .unwrap();
    sql.exec(
        "INSERT INTO participants (id, name, name_key, password_hash, availability,
                                   changed_version) VALUES (?, ?, ?, NULL, ?, ?)",
        vec![
            "p2".into(),
            "지훈".into(),
            ParticipantName::key_of("지훈").into(),
            vec![2u8; 6].into(),
            2.into(),
        ],
    )
    .unwrap();
    sql.exec(
        "INSERT INTO tokens (hash, participant_id) VALUES (?, 'p1'), (?, 'p2')",
        vec![vec![1u8; 32].into(), vec![2u8; 32].into()],
    )
    .unwrap();
    sql.batch(
        "INSERT INTO wrong_passwords (participant_id, client, at) VALUES ('p1', '10.0.0.1', 1500);
         INSERT INTO joins (client, at) VALUES ('10.0.0.1', 1100), ('10.0.0.1', 1200);",
    )
    .unwrap();

    assert!(schema::open(&sql).unwrap());
    assert_eq!(schema::version(&sql).unwrap(), CURRENT);

    let row = load_appointment(&sql).unwrap().unwrap();
    assert_eq!(row.id, "appt1");
    assert_eq!(row.title, "동아리 회의");
    assert_eq!(row.schedule, SCHEDULE);
    assert_eq!(row.admin_hash, vec![7u8; 32]);
    assert_eq!((row.version, row.pushed_version), (2, 2));
    assert_eq!(row.final_range, Some((1, 3)));
    assert!(row.closed);
    assert_eq!((row.created_at, row.changed_at), (1000, 2000));
    assert_eq!(row.expires_at, 9_000_000);
    assert_eq!(row.unflushed_updates, 1);
    assert_eq!(row.tools.expected, ["Minji", "지훈"]);
    assert_eq!(row.tools.deadline, Some(4000));
    assert_eq!(row.tools.required, ["p1"]);
    assert_eq!(row.tools.min_people, Some(3));
    assert!(row.tools.private);
    assert!(!row.deadline_told);

    let people = participants(&sql).unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(people[0].id, "p1");
    assert_eq!(people[0].password_hash.as_deref(), Some(PASSWORD));
    assert_eq!(people[0].availability, [0, 1, 2, 2, 1, 0]);
    assert_eq!(people[1].name, "지훈");
    assert_eq!(people[1].password_hash, None);
    let by_name = participant_by_name(&sql, &ParticipantName::key_of("minji"), "minji");
    assert_eq!(by_name.unwrap().unwrap().id, "p1");
    let (p, owner) = participant_and_token_owner(&sql, "p2", Some(&[2; 32]))
        .unwrap()
        .unwrap();
    assert_eq!((p.id.as_str(), owner.as_deref()), ("p2", Some("p2")));
    assert_eq!(token_owner(&sql, &[1; 32]).unwrap().as_deref(), Some("p1"));
    assert_eq!(
        wrong_passwords(&sql, "p1", "10.0.0.1", 0).unwrap(),
        (1, Some(1500))
    );
    assert_eq!(joins(&sql, "10.0.0.1", 0).unwrap(), (2, Some(1100)));
    assert_eq!(participant_count(&sql).unwrap(), 2);

    // Opening again, or running the migration again, changes nothing.
    let before = definitions(&sql);
    assert!(schema::open(&sql).unwrap());
    schema::to_one_schema(&sql).unwrap();
    assert_eq!(definitions(&sql), before);
    assert_eq!(participants(&sql).unwrap().len(), 2);

    writes_work(&sql, 2);
}

#[test]
fn an_object_with_unique_name_keys_is_rebuilt_and_keyed_again() {
    let sql = database(UNIQUE_KEYS);
    sql.exec(
        "INSERT INTO meta (one, id, title, schedule, admin_hash, version, final_start,
                           final_end, created_at, changed_at, expires_at, pushed_version)
         VALUES (1, 'appt2', 'Lunch', ?, ?, 3, NULL, NULL, 1000, 1000, 9000000, 3)",
        vec![SCHEDULE.into(), vec![7u8; 32].into()],
    )
    .unwrap();
    // Keys of the old rules, which told these two apart.
    for (id, name, key, key_b) in [
        ("p1", "Minji", "minji", "m1nji"),
        ("p2", "MINJI", "MINJI", "M1NJI"),
        ("p3", "지훈", "지훈", "지훈"),
    ] {
        sql.exec(
            "INSERT INTO participants (id, name, name_key, name_key_b, password_hash,
                                       availability, changed_version)
             VALUES (?, ?, ?, ?, NULL, ?, 3)",
            vec![
                id.into(),
                name.into(),
                key.into(),
                key_b.into(),
                vec![1u8; 6].into(),
            ],
        )
        .unwrap();
    }
    sql.exec(
        "INSERT INTO tokens (hash, participant_id) VALUES (?, 'p2')",
        vec![vec![2u8; 32].into()],
    )
    .unwrap();

    assert!(schema::open(&sql).unwrap());
    assert_eq!(schema::version(&sql).unwrap(), CURRENT);
    let participants_sql = definitions(&sql)
        .into_iter()
        .find(|(name, _)| name == "participants")
        .unwrap()
        .1;
    assert!(!participants_sql.contains("UNIQUE"), "{participants_sql}");
    assert!(!columns(&sql, "participants").contains(&"name_key_b".to_string()));
    assert!(columns(&sql, "meta").contains(&"private".to_string()));

    // Every row kept, in order, keyed by today's rule: the two look-alikes
    // now share a key, and an exact name still finds its own row.
    let people = participants(&sql).unwrap();
    let ids: Vec<&str> = people.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p1", "p2", "p3"]);
    let keys = name_keys(&sql).unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(&ParticipantName::key_of("minji")));
    let found = |name: &str| {
        participant_by_name(&sql, &ParticipantName::key_of(name), name)
            .unwrap()
            .unwrap()
            .id
    };
    assert_eq!(found("MINJI"), "p2");
    assert_eq!(found("minji"), "p1");
    assert_eq!(found("지훈"), "p3");
    assert_eq!(token_owner(&sql, &[2; 32]).unwrap().as_deref(), Some("p2"));

    let row = load_appointment(&sql).unwrap().unwrap();
    assert_eq!(row.version, 3);
    assert_eq!(row.tools, Default::default());

    let before = definitions(&sql);
    assert!(schema::open(&sql).unwrap());
    assert_eq!(definitions(&sql), before);
    writes_work(&sql, 3);
}

#[test]
fn an_object_of_the_first_schema_gains_every_later_column() {
    let sql = database(FIRST);
    sql.exec(
        "INSERT INTO meta (one, id, title, schedule, admin_hash, version, final_start,
                           final_end, created_at, changed_at, expires_at)
         VALUES (1, 'appt3', 'First', ?, ?, 4, 0, 2, 1000, 1500, 9000000)",
        vec![SCHEDULE.into(), vec![7u8; 32].into()],
    )
    .unwrap();
    sql.exec(
        "INSERT INTO participants (id, name, name_key, password_hash, availability)
         VALUES ('p1', 'Ana', 'ana', NULL, ?)",
        vec![vec![2u8; 6].into()],
    )
    .unwrap();

    assert!(schema::open(&sql).unwrap());
    let row = load_appointment(&sql).unwrap().unwrap();
    assert_eq!((row.version, row.final_range), (4, Some((0, 2))));
    assert_eq!((row.unflushed_updates, row.pushed_version), (0, 0));
    assert!(!row.closed);
    assert_eq!(participants(&sql).unwrap()[0].availability, [2; 6]);
    writes_work(&sql, 4);
}

#[test]
fn a_failed_transaction_leaves_nothing_behind() {
    let sql = HostSql::new();
    schema::create(&sql).unwrap();
    let failed: Result<(), StoreError> = sql.transaction(|sql: &HostSql| {
        sql.exec("INSERT INTO joins (client, at) VALUES ('x', 1)", vec![])?;
        Err(StoreError("refused".into()))
    });
    assert!(failed.is_err());
    assert_eq!(joins(&sql, "x", 0).unwrap(), (0, None));
}
