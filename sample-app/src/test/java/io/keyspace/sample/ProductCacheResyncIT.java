package io.keyspace.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.listener.KeyspaceResyncEvent;
import io.keyspace.notifications.listener.KeyspaceResyncEvent.Phase;
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
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache after an interruption of delivery, against a real {@code redis-server}: the
 * subscriber connection is killed ({@code CLIENT KILL TYPE pubsub}) and a product key changed
 * before it is back, so its notification is lost. The resync pass that follows the gap ({@code @OnKeyEvent(resync = true)}
 * and {@code KeyspaceResyncEvent}) reloads a changed product and evicts a deleted one. The live
 * feed, which got no notification of the change, shows that the resync did it.
 */
@SpringBootTest(properties = { "sample.demo-writer.enabled=false", "sample.local-redis.enabled=false" })
@DirtiesContext
class ProductCacheResyncIT {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redis.registerConnection(registry);
	}

	@Autowired
	ProductCache cache;

	@Autowired
	NotificationFeed feed;

	@Autowired
	ResyncEvents resyncs;

	@Autowired
	JsonMapper json;

	private Jedis otherWriter;

	@BeforeEach
	void setUp() {
		this.otherWriter = redis.server().jedis();
		// The pass made when the handler started, so that the next one counted is a gap's.
		await().atMost(WAIT).until(() -> this.resyncs.completed() >= 1);
	}

	@AfterEach
	void tearDown() {
		this.otherWriter.close();
	}

	@Test
	void aProductDeletedWhileTheSubscriberWasDisconnectedIsEvictedWhenTheNextResyncCompletes() {
		cache("gone", "Gone soon");
		cache("kept", "Kept");
		int passes = this.resyncs.completed();
		long mark = lastFeedSeq();

		disconnectThen((transaction) -> transaction.del("product:gone"));

		KeyspaceResyncEvent completed = awaitResyncAfterGap(passes);
		assertThat(completed.covers("product:gone")).isTrue();
		assertThat(this.cache.contains("gone")).as("evicted: its key was not seen by the pass").isFalse();
		assertThat(this.cache.contains("kept")).as("its key exists: reloaded, not evicted").isTrue();
		assertThat(feedEvents(mark, "product:gone")).as("the del was published while the subscriber was away")
			.doesNotContain("del");
	}

	@Test
	void aProductChangedWhileTheSubscriberWasDisconnectedIsReloadedByTheNextResync() {
		cache("lamp", "Lamp");
		int passes = this.resyncs.completed();
		long mark = lastFeedSeq();

		disconnectThen((transaction) -> transaction.set("product:lamp", productJson("lamp", "Lamp, brass")));

		awaitResyncAfterGap(passes);
		assertThat(this.cache.peek("lamp")).hasValueSatisfying(
				(product) -> assertThat(product.name()).isEqualTo("Lamp, brass"));
		assertThat(feedEvents(mark, "product:lamp")).as("the set was published while the subscriber was away")
			.doesNotContain("set");
	}

	/** Writes a product as another service would, and reads it into the cache. */
	private void cache(String id, String name) {
		this.otherWriter.set("product:" + id, productJson(id, name));
		// A read that overlaps a notification of any product does not cache: read until one did.
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.cache.get(id).product()).hasValueSatisfying(
					(product) -> assertThat(product.name()).isEqualTo(name));
			assertThat(this.cache.peek(id)).hasValueSatisfying(
					(product) -> assertThat(product.name()).isEqualTo(name));
		});
	}

	/**
	 * Kills the application's subscriber connection and writes in one transaction: Redis frees
	 * the killed connection before it runs the write, and nothing runs between the two, so the
	 * write's notification is lost however fast the subscriber reconnects.
	 */
	private static void disconnectThen(Consumer<Transaction> write) {
		try (Jedis admin = redis.server().jedis()) {
			Transaction transaction = admin.multi();
			Response<Object> killed = transaction.sendCommand(Command.CLIENT, "KILL", "TYPE", "pubsub");
			write.accept(transaction);
			transaction.exec();
			assertThat((Long) killed.get()).as("subscriber connections killed").isPositive();
		}
	}

	/** The first pass to complete after {@code passes} completed ones, made for the gap. */
	private KeyspaceResyncEvent awaitResyncAfterGap(int passes) {
		await().atMost(WAIT).until(() -> this.resyncs.completed() > passes);
		KeyspaceResyncEvent completed = this.resyncs.completedEvents().get(passes);
		assertThat(completed.endpointId()).isEqualTo("product-cache");
		assertThat(completed.node()).isEqualTo(redis.server().hostAndPort());
		assertThat(completed.cause()).hasValueSatisfying(
				(gap) -> assertThat(gap.cause()).isEqualTo(GapCause.DISCONNECTED));
		return completed;
	}

	private long lastFeedSeq() {
		List<FeedEntry> recent = this.feed.recent();
		return recent.isEmpty() ? 0 : recent.get(recent.size() - 1).seq();
	}

	/** The events the live feed showed for a key after {@code afterSeq}. */
	private List<String> feedEvents(long afterSeq, String key) {
		return this.feed.recent()
			.stream()
			.filter((entry) -> entry.seq() > afterSeq && entry.key().equals(key))
			.map(FeedEntry::event)
			.toList();
	}

	private String productJson(String id, String name) {
		return this.json.writeValueAsString(new Product(id, name, new BigDecimal("10.00"), Instant.now()));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ResyncEventsConfiguration {

		@Bean
		ResyncEvents resyncEvents() {
			return new ResyncEvents();
		}

	}

	/** The cache handler's completed passes, in order. */
	static class ResyncEvents {

		private final List<KeyspaceResyncEvent> completed = new CopyOnWriteArrayList<>();

		@EventListener
		void on(KeyspaceResyncEvent event) {
			if (event.phase() == Phase.COMPLETED && event.endpointId().equals("product-cache")) {
				this.completed.add(event);
			}
		}

		int completed() {
			return this.completed.size();
		}

		List<KeyspaceResyncEvent> completedEvents() {
			return this.completed;
		}

	}

}
