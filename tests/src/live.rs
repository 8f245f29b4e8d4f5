//! A real actix server on `127.0.0.1:0` on its own thread, for the tests that talk raw
//! HTTP/1.1. Its handlers count their runs in the `web::Data<Hits>` it installs.

use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use jwt_runtime::JwtManager;

use crate::Hits;

/// The server; stopped when dropped.
#[derive(Debug)]
pub struct LiveServer {
    /// The manager the App is wrapped with.
    pub manager: JwtManager,
    addr: SocketAddr,
    runs: Arc<Hits>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LiveServer {
    /// One worker serving `routes`, wrapped with `manager`.
    #[must_use]
    pub fn start(manager: JwtManager, routes: fn(&mut web::ServiceConfig)) -> Self {
        let runs = Arc::new(Hits::default());
        let (sender, receiver) = mpsc::channel();
        let (app_manager, app_runs) = (manager.clone(), Arc::clone(&runs));
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .wrap(app_manager.clone())
                        .app_data(web::Data::from(Arc::clone(&app_runs)))
                        .configure(routes)
                })
                .workers(1)
                .bind(("127.0.0.1", 0))
                .unwrap();
                let addr = *server.addrs().first().unwrap();
                let server = server.run();
                sender.send((addr, server.handle())).unwrap();
                server.await.unwrap();
            });
        });
        let (addr, handle) = receiver.recv().unwrap();
        LiveServer {
            manager,
            addr,
            runs,
            handle,
            thread: Some(thread),
        }
    }

    /// How many times its handlers ran.
    #[must_use]
    pub fn runs(&self) -> usize {
        self.runs.count()
    }

    /// A connection whose reads give up after `read_timeout`: the bound on a server that
    /// never answers.
    #[must_use]
    pub fn connect(&self, read_timeout: Duration) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(read_timeout)).unwrap();
        stream
    }
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
