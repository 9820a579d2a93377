package io.keyspace.notifications;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How {@link NotificationGroups} keep their streams, leases and consumers.
 *
 * @param streamKeyPrefix prefix of every key the groups write (streams, leases, registry)
 * @param maxLength each stream is capped near this many entries ({@code XTRIM MAXLEN ~}), up to
 * 16 notifications each, so memory stays bounded while consumers are away; older entries are
 * trimmed unread
 * @param leaseTime how long a forwarder's lease on a node lasts unless renewed (renewed every
 * third of it); another instance takes over at most this long after a forwarder dies
 * @param claimTimeout how long an entry may stay pending (delivered, not acknowledged) before
 * another consumer claims it, e.g. because its consumer died mid-handler
 * @param maxDeliveries deliveries of one entry after which it moves to the dead-letter stream
 * @param batchSize entries read or claimed per command; under a backlog reads grow up to 1,000
 * (or this, if larger), and the forwarder appends up to 1,000 (or this) per script
 * @param consumerName this instance's name in the consumer groups; unique per instance
 */
public record GroupSettings(String streamKeyPrefix, long maxLength, Duration leaseTime, Duration claimTimeout,
		int maxDeliveries, int batchSize, String consumerName) {

	public GroupSettings {
		Objects.requireNonNull(streamKeyPrefix, "streamKeyPrefix");
		Objects.requireNonNull(consumerName, "consumerName");
		positive("maxLength", maxLength);
		positive("maxDeliveries", maxDeliveries);
		positive("batchSize", batchSize);
		if (leaseTime.toMillis() < 300) {
			throw new IllegalArgumentException("leaseTime must be at least 300ms, was " + leaseTime);
		}
		if (claimTimeout.toMillis() < 100) {
			throw new IllegalArgumentException("claimTimeout must be at least 100ms, was " + claimTimeout);
		}
	}

	/** Prefix {@code keyspace-notifications:group:}, 100,000 entries, 10 s lease, 30 s claim, 5 deliveries, batches of 100. */
	public static GroupSettings defaults() {
		return new GroupSettings("keyspace-notifications:group:", 100_000, Duration.ofSeconds(10),
				Duration.ofSeconds(30), 5, 100, defaultConsumerName());
	}

	public GroupSettings withStreamKeyPrefix(String streamKeyPrefix) {
		return new GroupSettings(streamKeyPrefix, this.maxLength, this.leaseTime, this.claimTimeout,
				this.maxDeliveries, this.batchSize, this.consumerName);
	}

	public GroupSettings withMaxLength(long maxLength) {
		return new GroupSettings(this.streamKeyPrefix, maxLength, this.leaseTime, this.claimTimeout,
				this.maxDeliveries, this.batchSize, this.consumerName);
	}

	public GroupSettings withLeaseTime(Duration leaseTime) {
		return new GroupSettings(this.streamKeyPrefix, this.maxLength, leaseTime, this.claimTimeout,
				this.maxDeliveries, this.batchSize, this.consumerName);
	}

	public GroupSettings withClaimTimeout(Duration claimTimeout) {
		return new GroupSettings(this.streamKeyPrefix, this.maxLength, this.leaseTime, claimTimeout,
				this.maxDeliveries, this.batchSize, this.consumerName);
	}

	public GroupSettings withMaxDeliveries(int maxDeliveries) {
		return new GroupSettings(this.streamKeyPrefix, this.maxLength, this.leaseTime, this.claimTimeout,
				maxDeliveries, this.batchSize, this.consumerName);
	}

	public GroupSettings withBatchSize(int batchSize) {
		return new GroupSettings(this.streamKeyPrefix, this.maxLength, this.leaseTime, this.claimTimeout,
				this.maxDeliveries, batchSize, this.consumerName);
	}

	public GroupSettings withConsumerName(String consumerName) {
		return new GroupSettings(this.streamKeyPrefix, this.maxLength, this.leaseTime, this.claimTimeout,
				this.maxDeliveries, this.batchSize, consumerName);
	}

	/** {@code pid@host} plus a random suffix: unique even for two instances in one JVM. */
	public static String defaultConsumerName() {
		return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static void positive(String name, long value) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1, was " + value);
		}
	}

}
