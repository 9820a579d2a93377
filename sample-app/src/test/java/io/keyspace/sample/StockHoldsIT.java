package io.keyspace.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the sample against one real {@code redis-server}: stock held by expiring
 * holds comes back once per hold, whichever instance handles the expiry, and a hold checked
 * out in time is sold.
 */
class StockHoldsIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@AfterEach
	void stop() {
		this.instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void eachExpiredHoldIsReleasedOnceAcrossTwoInstances() {
		RestClient first = start();
		RestClient second = start();
		first.put().uri("/api/stock/teapot").contentType(MediaType.APPLICATION_JSON).body(Map.of("available", 100))
			.retrieve().toBodilessEntity();
		for (int i = 0; i < 20; i++) {
			RestClient instance = (i % 2 == 0) ? first : second;
			ResponseEntity<Map> hold = instance.post().uri("/api/stock/teapot/holds")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("quantity", 1, "ttlSeconds", 1))
				.retrieve()
				.toEntity(Map.class);
			assertThat(hold.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		}
		assertThat(level(first, "teapot")).containsEntry("available", 80).containsEntry("holds", 20);

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(level(first, "teapot")).containsEntry("available", 100).containsEntry("holds", 0));
		Map<String, Object> one = view(first, "teapot");
		Map<String, Object> other = view(second, "teapot");
		assertThat((Integer) one.get("expiriesHandledHere") + (Integer) other.get("expiriesHandledHere"))
			.as("one call per expiry across the instances")
			.isEqualTo(20);
		assertThat((Integer) one.get("unitsReleasedHere") + (Integer) other.get("unitsReleasedHere")).isEqualTo(20);
	}

	@Test
	void aHoldCheckedOutInTimeIsSoldAndAnExpiredOneIsBack() {
		RestClient instance = start();
		instance.put().uri("/api/stock/kettle").contentType(MediaType.APPLICATION_JSON).body(Map.of("available", 5))
			.retrieve().toBodilessEntity();

		String sold = holdId(instance, 2, 60);
		assertThat(instance.delete().uri("/api/stock/kettle/holds/{hold}", sold).retrieve().toBodilessEntity()
			.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(level(instance, "kettle")).containsEntry("available", 3).containsEntry("holds", 0);

		ResponseEntity<ProblemDetail> tooMany = instance.post().uri("/api/stock/kettle/holds")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("quantity", 5))
			.retrieve()
			.toEntity(ProblemDetail.class);
		assertThat(tooMany.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(tooMany.getBody().getDetail()).isEqualTo("Only 3 unit(s) of kettle available");

		String abandoned = holdId(instance, 1, 1);
		assertThat(level(instance, "kettle")).containsEntry("available", 2);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(level(instance, "kettle"))
			.containsEntry("available", 3).containsEntry("holds", 0));
		assertThat(instance.delete().uri("/api/stock/kettle/holds/{hold}", abandoned).retrieve().toBodilessEntity()
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void theGroupHandlerStoppedThroughTheEndpointLeavesExpiredHoldsInTheStreamUntilStarted() {
		RestClient instance = start();
		String handler = "HoldExpiry#holdExpired";
		assertThat(handlerView(instance)).extracting((h) -> h.get("id")).contains(handler);
		instance.put().uri("/api/stock/mug").contentType(MediaType.APPLICATION_JSON).body(Map.of("available", 4))
			.retrieve().toBodilessEntity();
		holdIdOf(instance, "mug", 1);
		// Wait until the group runs here (its first hold is released), so the stop pauses a running handler.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(level(instance, "mug"))
			.containsEntry("available", 4));

		List<Map<String, Object>> stopped = setRunning(instance, handler, false);
		assertThat(stopped).singleElement().satisfies((h) -> {
			assertThat(h).containsEntry("running", false).containsEntry("group", "release-holds");
		});
		String second = holdIdOf(instance, "mug", 1);
		try (Jedis jedis = redis.server().jedis()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> !jedis.exists("hold:mug:" + second));
		}
		// Expired, and its entry waits in the group's stream: nobody handles it while stopped.
		assertThat(level(instance, "mug")).containsEntry("available", 3).containsEntry("holds", 1);

		assertThat(setRunning(instance, handler, true)).singleElement().satisfies((h) -> assertThat(h)
			.containsEntry("running", true));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(level(instance, "mug"))
			.containsEntry("available", 4).containsEntry("holds", 0));
		ResponseEntity<Map> unknown = instance.post().uri("/actuator/keyspacenotifications/{id}", "nobody")
			.contentType(MediaType.APPLICATION_JSON).body(Map.of("running", false)).retrieve().toEntity(Map.class);
		assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> handlerView(RestClient instance) {
		return (List<Map<String, Object>>) instance.get().uri("/actuator/keyspacenotifications").retrieve()
			.body(Map.class).get("handlers");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> setRunning(RestClient instance, String id, boolean running) {
		return instance.post().uri("/actuator/keyspacenotifications/{id}", id).contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("running", running)).retrieve().body(List.class);
	}

	private static String holdIdOf(RestClient instance, String product, int ttlSeconds) {
		Map<?, ?> hold = instance.post().uri("/api/stock/{id}/holds", product)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("quantity", 1, "ttlSeconds", ttlSeconds))
			.retrieve()
			.body(Map.class);
		return (String) hold.get("holdId");
	}

	private RestClient start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=0", "--sample.demo-writer.enabled=false", "--sample.local-redis.enabled=false",
				"--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
				"--keyspace-notifications.groups.lease-time=1s", "--keyspace-notifications.groups.claim-timeout=2s");
		this.instances.add(context);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
				// let the tests look at error statuses
			})
			.build();
	}

	private static String holdId(RestClient instance, int quantity, int ttlSeconds) {
		Map<?, ?> hold = instance.post().uri("/api/stock/kettle/holds")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("quantity", quantity, "ttlSeconds", ttlSeconds))
			.retrieve()
			.body(Map.class);
		return (String) hold.get("holdId");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> view(RestClient instance, String product) {
		return instance.get().uri("/api/stock/{id}", product).retrieve().body(Map.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> level(RestClient instance, String product) {
		return (Map<String, Object>) view(instance, product).get("level");
	}

}
