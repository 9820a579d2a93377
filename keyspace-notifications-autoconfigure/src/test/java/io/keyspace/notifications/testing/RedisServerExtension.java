package io.keyspace.notifications.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One {@link RedisServer} per test class:
 * <pre>
 * &#64;RegisterExtension
 * static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");
 * </pre>
 * On a static field the server lives from before the first test to after the last (also
 * across {@code @Nested} classes); on an instance field it lives for one test.
 */
public final class RedisServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final RedisServer.Builder builder;

	private RedisServer server;

	// @Nested classes call beforeAll/afterAll again; only the outermost pair starts and stops.
	private int classDepth;

	private boolean perTest;

	private RedisServerExtension(RedisServer.Builder builder) {
		this.builder = builder;
	}

	/** A server with the given config name/value pairs. */
	public static RedisServerExtension withConfig(String... nameValuePairs) {
		return new RedisServerExtension(RedisServer.builder().configPairs(nameValuePairs));
	}

	/** A server built from {@code builder}, for settings beyond config pairs. */
	public static RedisServerExtension of(RedisServer.Builder builder) {
		return new RedisServerExtension(builder);
	}

	/**
	 * Points Spring Boot's Redis connection ({@code spring.data.redis.host/port}) at this
	 * server; call it from a test class's {@code @DynamicPropertySource} method.
	 */
	public void registerConnection(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> server().host());
		registry.add("spring.data.redis.port", () -> server().port());
	}

	/** The running server; fails outside the extension's lifetime. */
	public RedisServer server() {
		if (this.server == null) {
			throw new IllegalStateException("The Redis server is not started: register the extension with "
					+ "@RegisterExtension and use it from a test or a @BeforeEach/@BeforeAll method");
		}
		return this.server;
	}

	/** {@code FLUSHALL}, e.g. from {@code @BeforeEach} to isolate tests sharing the server. */
	public void flushAll() {
		try (Jedis jedis = server().jedis()) {
			jedis.flushAll();
		}
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.classDepth++ == 0) {
			this.server = this.builder.start();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.classDepth == 0) {
			closeServer();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.server == null) {
			this.perTest = true;
			this.server = this.builder.start();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.perTest) {
			this.perTest = false;
			closeServer();
		}
	}

	private void closeServer() {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

}
