package io.keyspace.notifications.testing;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link LocalMasterReplica} per test class:
 * <pre>
 * &#64;RegisterExtension
 * static final RedisMasterReplicaExtension redis = RedisMasterReplicaExtension.create();
 * </pre>
 * Shared by the tests of a class; a test that promotes the replica changes the roles for
 * the tests that follow, so re-read them from {@link #masterReplica()} rather than caching
 * them. The processes are killed after the last test, also when tests fail.
 */
public final class RedisMasterReplicaExtension implements BeforeAllCallback, AfterAllCallback {

	private final LocalMasterReplica.Builder builder;

	private LocalMasterReplica masterReplica;

	// @Nested classes call beforeAll/afterAll again; only the outermost pair starts and stops.
	private int classDepth;

	private RedisMasterReplicaExtension(LocalMasterReplica.Builder builder) {
		this.builder = builder;
	}

	/** A master and one replica with {@code notify-keyspace-events KEA}. */
	public static RedisMasterReplicaExtension create() {
		return new RedisMasterReplicaExtension(LocalMasterReplica.builder());
	}

	public static RedisMasterReplicaExtension of(LocalMasterReplica.Builder builder) {
		return new RedisMasterReplicaExtension(Objects.requireNonNull(builder));
	}

	/** The running pair; fails outside the extension's lifetime. */
	public LocalMasterReplica masterReplica() {
		if (this.masterReplica == null) {
			throw new IllegalStateException("The Redis master/replica pair is not started: register the extension "
					+ "on a static field with @RegisterExtension");
		}
		return this.masterReplica;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.classDepth++ == 0) {
			this.masterReplica = this.builder.start();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.classDepth == 0 && this.masterReplica != null) {
			this.masterReplica.close();
			this.masterReplica = null;
		}
	}

}
