//! The administrative commands: import a subdistrict, create the first coordinator.

use crate::helpers::*;
use app::domain::text::NewPassword;
use server::cli;

#[tokio::test]
async fn a_fresh_install_has_no_accounts_until_a_coordinator_is_created() {
    let dir = temp_dir();
    let config = test_config(&dir, false).await;
    let file = dir.join("subdistrict.json");
    std::fs::write(&file, app::backend::import::DEMO_FILE).unwrap();
    cli::import_file(&config, file.to_str().unwrap()).await.unwrap();
    // Importing twice changes nothing.
    cli::import_file(&config, file.to_str().unwrap()).await.unwrap();

    let pool = server::startup::open_database(&config).await.unwrap();
    let (users, with_password): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(password_hash) FROM users").fetch_one(pool.any()).await.unwrap();
    assert_eq!((users, with_password), (70, 0), "outside demo mode there are no default passwords");
    let (roads,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM roads").fetch_one(pool.any()).await.unwrap();
    assert_eq!(roads, 63);

    let password = NewPassword::parse("a-long-secret").unwrap();
    cli::create_coordinator(&config, "director", "区协调员", &password).await.unwrap();
    assert!(cli::create_coordinator(&config, "director", "again", &password).await.is_err());
    cli::set_user_password(&config, "chief01", &password).await.unwrap();
    assert!(cli::set_user_password(&config, "nobody", &password).await.is_err());
    let (role,): (String,) =
        sqlx::query_as("SELECT role FROM users WHERE username = 'director'").fetch_one(pool.any()).await.unwrap();
    assert_eq!(role, "coordinator");

    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"subdistrict\": 1}").unwrap();
    let error = cli::import_file(&config, broken.to_str().unwrap()).await.unwrap_err().to_string();
    assert!(error.contains("not a valid subdistrict file"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}
