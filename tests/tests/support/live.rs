//! A real actix server on `127.0.0.1:0` on its own thread, for the tests that talk raw
//! HTTP/1.1 (included with `#[path = "support/live.rs"] mod live;`). Its handlers count
//! their runs in the `web::Data<AtomicUsize>` it installs.

use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use jwt_runtime::JwtManager;

/// The server; stopped when dropped.
pub(crate) struct LiveServer {
    pub(crate) manager: JwtManager,
    addr: SocketAddr,
    runs: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LiveServer {
    /// One worker serving `routes`, wrapped with `manager`.
    pub(crate) fn start(manager: JwtManager, routes: fn(&mut web::ServiceConfig)) -> Self {
        let runs = Arc::new(AtomicUsize::new(0));
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
    pub(crate) fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    /// A connection whose reads give up after `read_timeout`: the bound on a server that
    /// never answers.
    pub(crate) fn connect(&self, read_timeout: Duration) -> TcpStream {
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
