//! Every API test in one binary: it links once, and its tests share one
//! `wrangler dev` per configuration (`Server::shared`). A test file
//! `tests/<topic>.rs` joins it with one `mod <topic>;` line below.

mod abuse;
mod bad_input;
mod concurrency;
mod crowd;
mod dry_run;
mod dst;
mod export;
mod export_packed;
mod faults;
mod flow;
mod hostile_body;
mod hostile_edges;
mod hostile_socket;
mod limits;
mod live;
mod live_app;
mod live_crowd;
mod live_socket;
mod operations;
mod organiser;
mod organiser_tools;
mod pages;
mod persistence;
mod schedule;
mod service;
mod weekdays;
