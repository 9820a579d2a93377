package io.keyspace.sample.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's {@code chromium} driven by its {@code chromedriver} (both installed by
 * {@code .ci/run}), headless and offline: explicit binaries, so Selenium Manager never tries
 * to download a browser or a driver. {@code CHROMIUM} and {@code CHROMEDRIVER} name other
 * binaries (e.g. on macOS). A missing binary fails the test with the command that installs it:
 * the browser test is never skipped. Selenium's warning that it has no CDP implementation for
 * a newer Chromium is harmless: the test uses WebDriver only.
 */
final class HeadlessChromium {

	private static final String CHROMIUM = "/usr/bin/chromium";

	private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

	private static final String INSTALL = "Run .ci/run once (it installs them), or: sudo apt-get update && sudo apt-get "
			+ "install -y chromium chromium-driver. Elsewhere set CHROMIUM=/path/to/chrome and "
			+ "CHROMEDRIVER=/path/to/matching/chromedriver.";

	private HeadlessChromium() {
	}

	/** A new browser with a fresh profile in {@code profileDir}; quit it when done. */
	static ChromeDriver start(Path profileDir) {
		ChromeDriverService driver = new ChromeDriverService.Builder()
			.usingDriverExecutable(executable("CHROMEDRIVER", CHROMEDRIVER, "chromedriver").toFile())
			.usingAnyFreePort()
			.withTimeout(Duration.ofSeconds(30))
			.build();
		ChromeOptions options = new ChromeOptions().setBinary(executable("CHROMIUM", CHROMIUM, "chromium").toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--no-first-run", "--user-data-dir=" + profileDir, "--window-size=1400,1100");
		return new ChromeDriver(driver, options);
	}

	private static Path executable(String variable, String defaultPath, String what) {
		String configured = System.getenv(variable);
		Path path = Path.of((configured != null && !configured.isBlank()) ? configured : defaultPath);
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			fail("The browser test needs " + what + " at " + path + ((configured != null) ? " (" + variable + ")" : "")
					+ ", which is not an executable file. " + INSTALL);
		}
		return path;
	}

}
