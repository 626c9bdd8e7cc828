use anyhow::Context;
use app::backend::Clock;
use leptos::config::get_configuration;
use server::cli;
use server::config::Config;
use server::startup::Application;
use tracing_subscriber::EnvFilter;

/// glibc raises its mmap threshold each time a large block is freed (every argon2id check frees
/// 19 MB), after which such blocks come from heaps it seldom gives back, and the process grows
/// with every burst of sign-ins (200 MB after 30 at once). A fixed threshold keeps large blocks
/// mapped on their own and returned to the system when freed (60 MB after the same burst).
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of the allocator; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> anyhow::Result<()> {
    return_large_blocks_to_the_system();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(serve())
}

async fn serve() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .init();
    let leptos = get_configuration(None).context("reading the Leptos configuration")?;
    let config = Config::load(leptos.leptos_options.site_addr)?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["serve"] => {
            let app = Application::build(&config, leptos.leptos_options, Clock::default()).await?;
            tracing::info!(demo = config.demo, database = %config.redacted_database_url(), "listening on http://{}", app.address());
            app.run().await?;
        }
        ["import", file] => cli::import_file(&config, file).await?,
        ["create-coordinator", username, name @ ..] if !name.is_empty() => {
            cli::create_coordinator(&config, username, &name.join(" "), &cli::read_password()?).await?
        }
        ["set-password", username] => cli::set_user_password(&config, username, &cli::read_password()?).await?,
        ["disable-user", username] => cli::set_user_disabled(&config, username, true).await?,
        ["enable-user", username] => cli::set_user_disabled(&config, username, false).await?,
        ["backup", file] => server::backup::backup(&config, std::path::Path::new(file)).await?,
        ["restore", file] => server::backup::restore(&config, std::path::Path::new(file)).await?,
        ["open311-key", action, name] => cli::open311_key(&config, action, name).await?,
        ["help" | "--help" | "-h"] => println!("{}", cli::USAGE),
        _ => {
            eprintln!("{}", cli::USAGE);
            std::process::exit(2);
        }
    }
    Ok(())
}
