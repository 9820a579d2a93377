package io.keyspace.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.testing.RedisServerExtension;
import io.keyspace.sample.catalog.Product;
import io.keyspace.sample.catalog.ProductCache;
import io.keyspace.sample.feed.FeedEntry;
import io.keyspace.sample.feed.NotificationFeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole application against a real {@code redis-server} (started by the project's test
 * infrastructure with {@code notify-keyspace-events KEA}): writes by "another service" (a
 * plain Jedis client) and through the REST API reach the local cache only through keyspace
 * notifications, and the live feed (JSON and server-sent events) shows them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo-writer.enabled=false", "sample.local-redis.enabled=false" })
// JUnit stops the extension's Redis before Spring closes the context, so the subscriber logs one
// "Lost the keyspace subscriber connection" WARN at the end; closing the context right after
// (instead of keeping it cached until the JVM exits) keeps it from reconnecting in the background.
@DirtiesContext
class ProductCacheIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redis.registerConnection(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	ProductCache cache;

	@Autowired
	NotificationFeed feed;

	@Autowired
	JsonMapper json;

	private RestClient http;

	private Jedis otherWriter;

	@BeforeEach
	void setUp() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
				// let the tests look at error statuses
			})
			.build();
		this.otherWriter = redis.server().jedis();
	}

	@AfterEach
	void tearDown() {
		this.otherWriter.close();
	}

	@Test
	void aWriteByAnotherClientReloadsTheCachedProduct() {
		long mark = lastFeedSeq();
		this.otherWriter.set("product:teapot", productJson("teapot", "Teapot", "25.00"));
		awaitFeed(mark, "product:teapot", "set");

		ResponseEntity<Product> first = get("teapot");
		assertThat(first.getHeaders().getFirst("X-Cache")).isEqualTo("MISS");
		assertThat(first.getBody().name()).isEqualTo("Teapot");
		assertThat(get("teapot").getHeaders().getFirst("X-Cache")).isEqualTo("HIT");

		// Nobody tells the cache: the set notification does.
		this.otherWriter.set("product:teapot", productJson("teapot", "Teapot, cast iron", "45.00"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cache.peek("teapot")).hasValueSatisfying(
					(product) -> assertThat(product.name()).isEqualTo("Teapot, cast iron")));

		ResponseEntity<Product> afterWrite = get("teapot");
		assertThat(afterWrite.getHeaders().getFirst("X-Cache")).isEqualTo("HIT");
		assertThat(afterWrite.getBody().price()).isEqualByComparingTo("45.00");
		assertThat(this.cache.stats().reloads()).isPositive();
	}

	@Test
	void deletingThroughTheApiEvictsTheProduct() {
		long mark = lastFeedSeq();
		put("kettle", Map.of("name", "Kettle", "price", 59.9));
		awaitFeed(mark, "product:kettle", "set");
		assertThat(get("kettle").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.cache.contains("kettle")).isTrue();

		ResponseEntity<Void> deleted = this.http.delete().uri("/api/products/kettle").retrieve().toBodilessEntity();
		assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.cache.contains("kettle"));
		assertThat(get("kettle").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		awaitFeed(mark, "product:kettle", "del");
	}

	@Test
	void anExpiredProductIsEvictedAndTheFeedShowsTheExpiry() {
		long mark = lastFeedSeq();
		put("flash", Map.of("name", "Flash sale", "price", 1, "ttlSeconds", 1));
		awaitFeed(mark, "product:flash", "expire"); // SET ... EX sends set, then expire
		assertThat(get("flash").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.cache.contains("flash")).isTrue();

		// Evicted by the @OnProductExpired handler when Redis expires the key.
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.cache.contains("flash"));
		awaitFeed(mark, "product:flash", "expired");
		assertThat(get("flash").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void theServerSentEventStreamShowsNewNotifications() {
		try (EventStream stream = EventStream.open(this.port, null)) {
			this.otherWriter.set("product:sse-probe", productJson("sse-probe", "Probe", "1.00"));

			stream.awaitData("product:sse-probe", "set");
			assertThat(stream.lines()).contains("event:notification");
		}
	}

	@Test
	void aLastEventIdFromThisProcessResumesAfterItAndOneFromAnEarlierProcessReplaysTheBuffer() {
		String resumeFrom;
		try (EventStream first = EventStream.open(this.port, null)) {
			this.otherWriter.set("product:before", productJson("before", "Before", "1.00"));
			resumeFrom = first.idOf(first.awaitData("product:before", "set"));
		}
		assertThat(resumeFrom).matches("[0-9a-f]{8}-\\d+");

		try (EventStream resumed = EventStream.open(this.port, resumeFrom)) {
			this.otherWriter.set("product:after", productJson("after", "After", "1.00"));
			resumed.awaitData("product:after", "set");
			assertThat(resumed.lines()).noneMatch((line) -> line.contains("\"key\":\"product:before\""));
		}

		// A browser left open across a restart resends an id of the old process, whose count was higher.
		try (EventStream afterRestart = EventStream.open(this.port, "0ld9roc5-1000000")) {
			afterRestart.awaitData("product:before", "set");
			afterRestart.awaitData("product:after", "set");
		}
	}

	@Test
	void aRejectedWriteAnswersWithAProblemDetailCarryingTheReason() {
		ResponseEntity<ProblemDetail> blankName = this.http.put()
			.uri("/api/products/{id}", "kettle")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("name", " ", "price", 1))
			.retrieve()
			.toEntity(ProblemDetail.class);
		assertThat(blankName.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(blankName.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(blankName.getBody().getDetail()).isEqualTo("name is required");

		ResponseEntity<ProblemDetail> badId = this.http.put()
			.uri("/api/products/{id}", "not an id")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("name", "Kettle", "price", 1))
			.retrieve()
			.toEntity(ProblemDetail.class);
		assertThat(badId.getBody().getDetail()).isEqualTo("A product id has 1 to 64 letters, digits, '-' or '_'");
	}

	private ResponseEntity<Product> get(String id) {
		return this.http.get().uri("/api/products/{id}", id).retrieve().toEntity(Product.class);
	}

	private void put(String id, Map<String, Object> body) {
		ResponseEntity<Product> response = this.http.put()
			.uri("/api/products/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(Product.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	private long lastFeedSeq() {
		List<FeedEntry> recent = this.feed.recent();
		return recent.isEmpty() ? 0 : recent.get(recent.size() - 1).seq();
	}

	/**
	 * Waits until the feed shows the event for the key. The feed's handler and the cache's
	 * handlers run on the same handler thread for the same key, the cache's first (Redis
	 * publishes the keyspace message before the keyevent one): so once the feed has it, the
	 * cache has handled it too.
	 */
	private void awaitFeed(long afterSeq, String key, String event) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.feed.recent()
				.stream()
				.anyMatch((entry) -> entry.seq() > afterSeq && entry.key().equals(key) && entry.event().equals(event)));
	}

	private String productJson(String id, String name, String price) {
		return this.json.writeValueAsString(new Product(id, name, new BigDecimal(price), Instant.now()));
	}

}
