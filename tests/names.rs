//! One canonical name key: the contract's look-alikes of `Kim` are one
//! participant whichever of them joins first, and its distinct names stay
//! distinct.

use serde_json::json;
use support::api::*;
use support::Server;

/// One name, whichever joins first.
const ONE_NAME: [&str; 10] = [
    "Kim",
    "KIM",
    "kim",
    "\u{41a}IM",
    "\u{39a}IM",
    "\u{41a}\u{406}\u{41c}",
    "\u{41a}im",
    "\u{ff2b}\u{ff49}\u{ff4d}",
    "\u{1d40a}\u{1d422}\u{1d426}",
    "Ki\u{200b}m",
];

/// Distinct from those and from each other.
const DISTINCT: [&str; 7] = ["Kin", "Jim", "Tim", "Kimberly", "\u{ae40}", "Lee", "Lea"];

#[test]
fn each_look_alike_joining_first_makes_the_others_sign_in_as_it() {
    let server = Server::shared();
    // Each of the names goes first in one appointment; the rest follow.
    for (i, first) in ONE_NAME.iter().enumerate() {
        let (created, _) = create_two_days(&server);
        let id = created.id.as_str();
        let path = format!("/api/appointments/{id}/participants");
        let address = format!("203.0.113.{}", 10 + i);
        let join = |name: &str| {
            server
                .req("POST", &path)
                .header("CF-Connecting-IP", &address)
                .json(&json!({ "name": name }))
                .send()
        };
        let made = join(first);
        made.expect(201);
        let pid = made.json["participant"]["id"].clone();
        for other in ONE_NAME.iter().cycle().skip(i + 1).take(ONE_NAME.len() - 1) {
            let again = join(other);
            again.expect(200);
            assert_eq!(
                again.json["participant"]["id"], pid,
                "{other:?} after {first:?} is the same participant"
            );
        }
        for other in DISTINCT {
            join(other).expect(201);
        }
        let view = view(&server, id);
        let names: Vec<&str> = view["participants"]
            .as_array()
            .expect("participants")
            .iter()
            .map(|p| p["name"].as_str().expect("a name"))
            .collect();
        assert_eq!(names.len(), 1 + DISTINCT.len(), "{names:?}");
        assert_eq!(names[0], *first, "the name is shown as the first gave it");
    }
}
