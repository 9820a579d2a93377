package io.keyspace.sample;

import java.time.Duration;

import com.redis.testcontainers.RedisContainer;
import io.keyspace.sample.catalog.ProductCache;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.Jedis;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The test to copy into your own application: Redis in a container, wired in with
 * {@code @ServiceConnection} (no {@code spring.data.redis.*} needed), and keyspace
 * notifications switched on with the server's {@code --notify-keyspace-events} flag.
 * <p>
 * Runs only where a Docker engine is available; elsewhere JUnit reports it as skipped (the
 * project's CI has no Docker and runs {@link ProductCacheIT} against a redis-server process).
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(properties = { "sample.demo-writer.enabled=false", "sample.local-redis.enabled=false" })
class ProductCacheTestcontainersIT {

	@Container
	@ServiceConnection
	static final RedisContainer redis = new RedisContainer(DockerImageName.parse("redis:7.4-alpine"))
		.withCommand("redis-server", "--notify-keyspace-events", "KEA");

	@Autowired
	ProductCache cache;

	@Test
	void aDeleteByAnotherClientEvictsTheCachedProduct() {
		try (Jedis otherWriter = new Jedis(redis.getRedisHost(), redis.getRedisPort())) {
			otherWriter.set("product:mug", "{\"id\":\"mug\",\"name\":\"Mug\",\"price\":12.00}");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.get("mug").product().isPresent());
			await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.contains("mug"));

			otherWriter.del("product:mug");

			await().atMost(Duration.ofSeconds(10)).until(() -> !this.cache.contains("mug"));
			assertThat(this.cache.get("mug").product()).isEmpty();
		}
	}

}
