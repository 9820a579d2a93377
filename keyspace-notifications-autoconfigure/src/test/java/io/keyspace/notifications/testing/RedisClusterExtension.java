package io.keyspace.notifications.testing;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link LocalRedisCluster} per test class:
 * <pre>
 * &#64;RegisterExtension
 * static final RedisClusterExtension redis = RedisClusterExtension.create();
 * </pre>
 * Forming a cluster takes a few seconds, so it is shared by the tests of a class; tests that
 * kill or move nodes change it for the tests that follow, so order them or re-read roles
 * from {@link #cluster()} rather than caching them.
 */
public final class RedisClusterExtension implements BeforeAllCallback, AfterAllCallback {

	private final LocalRedisCluster.Builder builder;

	private LocalRedisCluster cluster;

	// @Nested classes call beforeAll/afterAll again; only the outermost pair starts and stops.
	private int classDepth;

	private RedisClusterExtension(LocalRedisCluster.Builder builder) {
		this.builder = builder;
	}

	/** 3 primaries, 3 replicas, {@code notify-keyspace-events KEA}. */
	public static RedisClusterExtension create() {
		return new RedisClusterExtension(LocalRedisCluster.builder());
	}

	/** The default cluster with extra config name/value pairs for every node. */
	public static RedisClusterExtension withConfig(String... nameValuePairs) {
		return new RedisClusterExtension(LocalRedisCluster.builder().configPairs(nameValuePairs));
	}

	public static RedisClusterExtension of(LocalRedisCluster.Builder builder) {
		return new RedisClusterExtension(Objects.requireNonNull(builder));
	}

	/** The running cluster; fails outside the extension's lifetime. */
	public LocalRedisCluster cluster() {
		if (this.cluster == null) {
			throw new IllegalStateException("The Redis cluster is not started: register the extension on a static "
					+ "field with @RegisterExtension");
		}
		return this.cluster;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.classDepth++ == 0) {
			this.cluster = this.builder.start();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.classDepth == 0 && this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
	}

}
