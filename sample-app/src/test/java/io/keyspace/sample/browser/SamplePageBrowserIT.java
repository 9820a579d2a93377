package io.keyspace.sample.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.testing.RedisServerExtension;
import io.keyspace.sample.WebStack;
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

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's page in headless Chromium, as a new user tries it: a product written through
 * the form comes back as a {@code set} notification in the live feed and changes its row; a
 * product written by another client shows in the {@code receive()} panel; the form's checks
 * work in the browser and a write the server rejects shows the server's reason. On Spring MVC
 * here, on WebFlux in {@link SamplePageWebFluxBrowserIT}. Leaves {@code target/sample-page.png}
 * to look at.
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

	@Autowired
	ApplicationContext context;

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

	/** The stack the page is expected to be served by. */
	WebStack stack() {
		return WebStack.SERVLET;
	}

	/** Where the first test leaves its screenshot. */
	String screenshot() {
		return "sample-page.png";
	}

	@BeforeEach
	void openPage() {
		browser.get("http://127.0.0.1:" + this.port + "/");
		waitUntil("the feed says live", ExpectedConditions.textToBe(By.id("feed-state"), "live"));
		waitUntil("the receive() stream open", ExpectedConditions.textToBe(By.id("live-state"), "subscribed"));
	}

	@Test
	void servedByTheExpectedStack() {
		stack().assertRunsIn(this.context);
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
		// The cache handler's resync pass when it started, from the library's resync metrics and events.
		waitUntil("a completed resync pass",
				(driver) -> Long.parseLong(driver.findElement(By.id("resync-completed")).getText()) >= 1);
		waitUntil("the last pass", ExpectedConditions.textToBePresentInElementLocated(By.id("resync-last"),
				"Last pass: completed"));
		assertThat(browser.findElement(By.id("resync-last")).getText())
			.contains("on " + redis.server().hostAndPort())
			.contains("at startup (product-cache)");
		assertThat(browser.findElement(By.id("cli-command")).getText())
			.startsWith("redis-cli -p " + redis.server().port() + " set product:x ");
		assertThat(browser.findElement(By.id("banner")).isDisplayed()).isFalse();

		// The receive() panel: its own Flux, subscribed long before this write (the panel said
		// "subscribed" when the page opened; the stream joins the server subscription at once).
		try (Jedis otherWriter = redis.server().jedis()) {
			otherWriter.set("product:mug", "{\"id\":\"mug\",\"name\":\"Mug\",\"price\":12.00}");
		}
		waitUntil("a set notification of product:mug in the receive() panel",
				(driver) -> !driver.findElements(By.cssSelector("#live li[data-event=set][data-key='product:mug']"))
					.isEmpty());
		assertThat(Long.parseLong(browser.findElement(By.id("live-count")).getDomAttribute("data-count")))
			.isPositive();
		waitUntil("the mug in the feed too", (driver) -> setNotificationsOf("product:mug").size() == 1);

		Files.write(Path.of("target", screenshot()), browser.getScreenshotAs(OutputType.BYTES));
	}

	@Test
	void aHandlerStoppedOnThePageThroughTheEndpointGetsNothingUntilStartedAgain() {
		String feedHandler = "tr[data-handler-id='live-feed']";
		waitUntil("the feed's handler listed as running", ExpectedConditions
			.attributeToBe(By.cssSelector(feedHandler), "data-running", "true"));
		browser.findElement(By.cssSelector(feedHandler + " button.toggle")).click();
		try {
			waitUntil("the feed's handler stopped",
					ExpectedConditions.attributeToBe(By.cssSelector(feedHandler), "data-running", "false"));
			try (Jedis otherWriter = redis.server().jedis()) {
				otherWriter.set("product:paused", "{\"id\":\"paused\",\"name\":\"Paused\",\"price\":1.00}");
			}
			// The receive() panel is another subscriber: it sees the write while the feed's handler does not.
			waitUntil("product:paused in the receive() panel", (driver) -> !driver
				.findElements(By.cssSelector("#live li[data-event=set][data-key='product:paused']"))
				.isEmpty());

			browser.findElement(By.cssSelector(feedHandler + " button.toggle")).click();
			waitUntil("the feed's handler running again",
					ExpectedConditions.attributeToBe(By.cssSelector(feedHandler), "data-running", "true"));
			try (Jedis otherWriter = redis.server().jedis()) {
				otherWriter.set("product:resumed", "{\"id\":\"resumed\",\"name\":\"Resumed\",\"price\":1.00}");
			}
			waitUntil("product:resumed in the feed", (driver) -> setNotificationsOf("product:resumed").size() == 1);
			// The feed is in Redis's order: had the stopped handler got product:paused, it would be there.
			assertThat(setNotificationsOf("product:paused")).isEmpty();
		}
		finally {
			this.context.getBean(KeyspaceNotificationListenerContainer.class).start("live-feed");
		}
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
