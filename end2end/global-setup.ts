// `cargo leptos end-to-end` starts the tests right after starting the server: wait for it.
export default async function globalSetup() {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch('http://127.0.0.1:3000/login');
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the server did not answer on http://127.0.0.1:3000 within 90 s');
}
