package io.keyspace.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/notifications/live}, {@code ReactiveKeyspaceNotifications.receive(...)} as
 * server-sent events, against a real {@code redis-server}: the pattern is subscribed on the
 * server while a client reads, and given back when it leaves. On Spring MVC here, on WebFlux in
 * {@link LiveStreamWebFluxIT}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo-writer.enabled=false", "sample.local-redis.enabled=false" })
@DirtiesContext
class LiveStreamIT {

	// No handler of the sample listens here: the stream's subscription is the only one on the server.
	private static final String PATTERN = "live-probe:*";

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redis.registerConnection(registry);
	}

	@LocalServerPort
	int port;

	private Jedis jedis;

	@BeforeEach
	void connect() {
		this.jedis = redis.server().jedis();
	}

	@AfterEach
	void disconnect() {
		this.jedis.close();
	}

	/** The stack the test expects to run on. */
	WebStack stack() {
		return WebStack.SERVLET;
	}

	@Test
	void runsOnTheExpectedStack(@Autowired ApplicationContext context) {
		stack().assertRunsIn(context);
	}

	@Test
	void aStreamSubscribesItsPatternOnTheServerAndClosingItUnsubscribes() {
		long before = this.jedis.pubsubNumPat();
		try (EventStream stream = EventStream.open(this.port, "/api/notifications/live?pattern=" + PATTERN, null)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.jedis.pubsubNumPat() == before + 1);

			this.jedis.set("live-probe:1", "one");
			this.jedis.set("elsewhere:1", "not matched");
			this.jedis.del("live-probe:1");

			String set = stream.awaitData("live-probe:1", "set");
			String del = stream.awaitData("live-probe:1", "del");
			assertThat(stream.idOf(set)).as("numbered in this stream").isEqualTo("1");
			assertThat(stream.idOf(del)).isEqualTo("2");
			assertThat(set).contains("\"channel\":\"__keyspace@0__:live-probe:1\"", "\"database\":0");
			assertThat(stream.lines()).first().asString().startsWith(":receive(__keyspace@0__:" + PATTERN + ")");
			assertThat(stream.lines()).contains("event:notification")
				.noneMatch((line) -> line.contains("elsewhere:1"));
		}
		// Closing the connection cancels the Flux, which unsubscribes on the server. Spring MVC
		// notices the client left when a keep-alive comment fails to be written, WebFlux at once.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.jedis.pubsubNumPat() == before);
	}

	@Test
	void withoutAPatternItStreamsTheSampleKeyPattern() {
		try (EventStream stream = EventStream.open(this.port, "/api/notifications/live", null)) {
			// product:* is also the cache handlers' channel, subscribed on the server before the stream
			// existed: nothing there tells when the stream joined it, so write until it shows.
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
				this.jedis.set("product:live-probe", "{\"id\":\"live-probe\",\"name\":\"Probe\",\"price\":1}");
				return stream.lines().stream().anyMatch((line) -> line.contains("\"key\":\"product:live-probe\""));
			});
			assertThat(stream.lines()).first().asString().startsWith(":receive(__keyspace@0__:product:*)");
		}
	}

	@Test
	void anEmptyOrInvalidPatternIsRefusedWithTheReason() throws Exception {
		for (String pattern : new String[] { "", "a%20b", "product:%5Bab%5D" }) {
			HttpResponse<String> refused = get("/api/notifications/live?pattern=" + pattern, "*/*");
			assertThat(refused.statusCode()).as(pattern).isEqualTo(400);
			assertThat(refused.headers().firstValue("Content-Type")).hasValue(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			assertThat(refused.body()).contains("pattern has 1 to 128 letters, digits");
		}
		// What an EventSource sends: it gives up on any status but 200, whatever the body.
		assertThat(get("/api/notifications/live?pattern=", MediaType.TEXT_EVENT_STREAM_VALUE).statusCode())
			.isEqualTo(400);
	}

	private HttpResponse<String> get(String pathAndQuery, String accept) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathAndQuery))
			.header("Accept", accept)
			.timeout(Duration.ofSeconds(10))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
