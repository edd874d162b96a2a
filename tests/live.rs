//! The live socket: everyone looking at an appointment hears of every
//! change as it happens, without polling and without anyone's secrets.

use chrono::{Days, Utc};
use serde_json::{json, Value};
use std::time::Duration;
use support::api::*;
use support::Server;

const ZONE: &str = "Asia/Seoul";

#[test]
fn the_live_socket_pushes_every_change() {
    let server = Server::shared();
    let day = today_in(ZONE) + Days::new(3);
    let created = create(
        &server,
        &json!({"title": "live", "timezone": ZONE, "dates": [iso(day)], "start": "09:00", "end": "12:00"}),
    );
    let id = created.id;

    // A plain GET is not a WebSocket.
    server
        .get(&format!("/api/appointments/{id}/live"))
        .expect_error(426, "upgrade_required");

    // No socket for an appointment that does not exist.
    let nowhere = format!(
        "ws://127.0.0.1:{}/api/appointments/NoSuchAppointment1/live",
        server.port()
    );
    match tungstenite::connect(nowhere) {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 404),
        Err(e) => panic!("expected a 404 handshake, got {e}"),
        Ok(_) => panic!("a socket opened for an unknown appointment"),
    }

    let url = format!(
        "ws://127.0.0.1:{}/api/appointments/{id}/live",
        server.port()
    );
    let (mut socket, _) = tungstenite::connect(url).expect("the WebSocket opens");
    if let tungstenite::stream::MaybeTlsStream::Plain(tcp) = socket.get_mut() {
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    }
    let mut next_update = |want: i64| -> Value {
        let deadline = Utc::now() + chrono::Duration::seconds(10);
        loop {
            assert!(Utc::now() < deadline, "no update with version {want}");
            let message = socket.read().expect("a message before the timeout");
            let Ok(text) = message.to_text() else {
                continue;
            };
            let Ok(body) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            let kind = &body["type"];
            if (kind == "update" || kind == "view") && body["version"] == want {
                return body;
            }
        }
    };

    let ann = join(&server, &id, "Ann", Some("ann-password-1"));
    next_update(2);
    paint(&server, &id, &ann, "available", &[(0, 2)]);
    next_update(3);
    patch_appointment(
        &server,
        &id,
        Some(&created.admin_token),
        json!({"title": "live 2"}),
    )
    .expect(200);
    let pushed = next_update(4);
    let text = pushed.to_string();
    for secret in [
        ann.token.as_str(),
        created.admin_token.as_str(),
        "ann-password-1",
    ] {
        assert!(
            !text.contains(secret),
            "a pushed update carries no secret: {text}"
        );
    }
}
