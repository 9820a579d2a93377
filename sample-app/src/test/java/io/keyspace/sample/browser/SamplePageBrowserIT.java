package io.keyspace.sample.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import redis.clients.jedis.Jedis;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's page in headless Chromium, as a new user tries it: a product written through
 * the form comes back as a {@code set} notification in the live feed and changes its row; the
 * form's checks work in the browser and a write the server rejects shows the server's reason.
 * Leaves {@code target/sample-page.png} to look at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo-writer.enabled=false", "sample.local-redis.enabled=false" })
@DirtiesContext
class SamplePageBrowserIT {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@TempDir
	static Path profile;

	static ChromeDriver browser;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redis.registerConnection(registry);
	}

	@BeforeAll
	static void startBrowser() {
		browser = HeadlessChromium.start(profile);
	}

	@AfterAll
	static void quitBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void openPage() {
		browser.get("http://127.0.0.1:" + this.port + "/");
		waitUntil("the feed says live", ExpectedConditions.textToBe(By.id("feed-state"), "live"));
	}

	@Test
	void aProductWrittenThroughTheFormArrivesAsASetNotificationAndChangesItsRow() throws Exception {
		try (Jedis otherWriter = redis.server().jedis()) {
			otherWriter.set("product:teapot", "{\"id\":\"teapot\",\"name\":\"Teapot\",\"price\":25.00}");
		}
		waitUntil("the teapot row", ExpectedConditions.textToBe(By.cssSelector("tr[data-id=teapot] .name"), "Teapot"));
		assertThat(setNotificationsOf("product:teapot")).hasSize(1);

		submit("teapot", "Teapot, cast iron", "45");

		waitUntil("a second set notification of product:teapot in the feed",
				(driver) -> setNotificationsOf("product:teapot").size() == 2);
		waitUntil("the row to show the new name",
				ExpectedConditions.textToBe(By.cssSelector("tr[data-id=teapot] .name"), "Teapot, cast iron"));
		assertThat(browser.findElement(By.cssSelector("tr[data-id=teapot] .price")).getText()).isEqualTo("45.00");
		assertThat(browser.findElement(By.id("write-result")).getText()).startsWith("Written to Redis");

		// The library panel, read from the library's API: the node is subscribed and counted what arrived.
		waitUntil("the node's row", ExpectedConditions.textToBePresentInElementLocated(By.id("nodes"),
				redis.server().hostAndPort()));
		waitUntil("the node confirmed", (driver) -> {
			String nodes = driver.findElement(By.id("nodes")).getText();
			return nodes.contains("confirmed") && !nodes.contains("not confirmed");
		});
		waitUntil("a received count (the panel refreshes every 2 s)",
				(driver) -> Long.parseLong(driver.findElement(By.id("count-received")).getText()) >= 2);
		assertThat(browser.findElement(By.id("cli-command")).getText())
			.startsWith("redis-cli -p " + redis.server().port() + " set product:x ");
		assertThat(browser.findElement(By.id("banner")).isDisplayed()).isFalse();

		Files.write(Path.of("target", "sample-page.png"), browser.getScreenshotAs(OutputType.BYTES));
	}

	@Test
	void theFormChecksTheIdInTheBrowserAndShowsWhyTheServerRejectedAWrite() {
		WebElement id = browser.findElement(By.name("id"));
		id.sendKeys("not an id!");
		assertThat((Boolean) browser.executeScript("return arguments[0].validity.patternMismatch", id))
			.as("the browser applies the id pattern (an invalid pattern is ignored by Chromium)")
			.isTrue();
		id.clear();

		submit("kettle", "   ", "59.90"); // blank name: the browser's "required" accepts it, the server does not

		waitUntil("the server's reason", ExpectedConditions.textToBe(By.id("write-result"),
				"Rejected (400): name is required"));
	}

	private void submit(String id, String name, String price) {
		WebElement form = browser.findElement(By.id("write"));
		for (String[] field : new String[][] { { "id", id }, { "name", name }, { "price", price } }) {
			WebElement input = form.findElement(By.name(field[0]));
			input.clear();
			input.sendKeys(field[1]);
		}
		form.findElement(By.cssSelector("button[type=submit]")).click();
	}

	private static List<WebElement> setNotificationsOf(String key) {
		return browser.findElements(By.cssSelector("#feed li[data-event=set][data-key='" + key + "']"));
	}

	/** The page redraws its panels every 2 s: an element read during a redraw is stale, and read again. */
	private static <T> void waitUntil(String what, Function<? super WebDriver, T> condition) {
		new WebDriverWait(browser, WAIT).withMessage(() -> "waiting for " + what)
			.ignoring(StaleElementReferenceException.class)
			.until(condition);
	}

}
