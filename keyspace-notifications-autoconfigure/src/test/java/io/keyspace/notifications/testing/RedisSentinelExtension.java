package io.keyspace.notifications.testing;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One {@link LocalSentinelSetup} per test class:
 * <pre>
 * &#64;RegisterExtension
 * static final RedisSentinelExtension redis = RedisSentinelExtension.create();
 * </pre>
 * Starting five processes and letting the sentinels find each other takes a second or two,
 * so the setup is shared by the tests of a class; tests that fail over or kill nodes change
 * it for the tests that follow, so order them or re-read roles from {@link #setup()} rather
 * than caching them. The processes are killed after the last test, also when tests fail
 * (and by a shutdown hook if the JVM ends first).
 */
public final class RedisSentinelExtension implements BeforeAllCallback, AfterAllCallback {

	private final LocalSentinelSetup.Builder builder;

	private LocalSentinelSetup setup;

	// @Nested classes call beforeAll/afterAll again; only the outermost pair starts and stops.
	private int classDepth;

	private RedisSentinelExtension(LocalSentinelSetup.Builder builder) {
		this.builder = builder;
	}

	/** Master, replica and three sentinels with the defaults of {@link LocalSentinelSetup.Builder}. */
	public static RedisSentinelExtension create() {
		return new RedisSentinelExtension(LocalSentinelSetup.builder());
	}

	public static RedisSentinelExtension of(LocalSentinelSetup.Builder builder) {
		return new RedisSentinelExtension(Objects.requireNonNull(builder));
	}

	/**
	 * Points Spring Boot's Redis connection at the sentinels
	 * ({@code spring.data.redis.sentinel.master/nodes}); call it from a test class's
	 * {@code @DynamicPropertySource} method.
	 */
	public void registerConnection(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.sentinel.master", () -> setup().masterName());
		registry.add("spring.data.redis.sentinel.nodes", () -> String.join(",", setup().sentinelAddresses()));
	}

	/** The running setup; fails outside the extension's lifetime. */
	public LocalSentinelSetup setup() {
		if (this.setup == null) {
			throw new IllegalStateException("The Redis Sentinel setup is not started: register the extension on a "
					+ "static field with @RegisterExtension");
		}
		return this.setup;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.classDepth++ == 0) {
			this.setup = this.builder.start();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.classDepth == 0 && this.setup != null) {
			this.setup.close();
			this.setup = null;
		}
	}

}
