package io.keyspace.notifications;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import io.keyspace.notifications.internal.resync.ResyncTarget;
import io.keyspace.notifications.internal.resync.Resyncer;

/**
 * Keyspace notifications from one Redis server over one subscriber connection. The
 * connection is opened by the first subscription (so a wrong address fails right there),
 * kept alive by periodic health checks and reconnected with backoff when it drops.
 */
public final class StandaloneKeyspaceNotifications extends AbstractKeyspaceNotifications {

	private final RedisNode node;

	private NodeSubscriber subscriber; // guarded by stateLock; null until the first subscription

	public StandaloneKeyspaceNotifications(String host, int port) {
		this(new RedisNode(host, port), ConnectionSettings.defaults(), NotificationOptions.defaults());
	}

	public StandaloneKeyspaceNotifications(RedisNode node, ConnectionSettings settings) {
		this(node, settings, NotificationOptions.defaults());
	}

	public StandaloneKeyspaceNotifications(RedisNode node, ConnectionSettings settings, NotificationOptions options) {
		super(settings, options);
		this.node = node;
		long interval = settings.healthCheckInterval().toMillis();
		if (interval > 0) {
			this.scheduler.scheduleAtFixedRate(this::checkHealth, interval, interval, TimeUnit.MILLISECONDS);
		}
	}

	public RedisNode node() {
		return this.node;
	}

	/** Its one server is read whatever its role: {@link ReadFrom} does not apply. */
	@Override
	public ReadFrom readFrom() {
		return ReadFrom.PRIMARY;
	}

	/** Its one server owns every key. */
	@Override
	protected Resyncer.Targets resyncTargets() {
		List<ResyncTarget> all = List.of(ResyncTarget.wholeNode(this.node));
		return new Resyncer.Targets() {

			@Override
			public List<ResyncTarget> all() {
				return all;
			}

			@Override
			public List<ResyncTarget> afterGapOn(String node) {
				return all;
			}

		};
	}

	@Override
	public Map<RedisNode, Set<String>> serverSubscriptions() {
		NodeSubscriber current = current();
		return (current != null) ? Map.of(this.node, current.confirmedSubscriptions()) : Map.of();
	}

	@Override
	protected Placement place(List<NotificationChannel> channels, WireNames names) {
		if (this.subscriber == null) {
			this.subscriber = newSubscriber(this.node);
		}
		want(this.subscriber, names);
		return new Placement(List.of(this.subscriber), List.of());
	}

	/** A reader that never connected is dropped with what it carried, so the next subscription starts afresh. */
	@Override
	protected Placement unplace(List<NotificationChannel> channels) {
		if (this.subscriber == null) {
			return Placement.NONE;
		}
		unwant(this.subscriber, channels);
		if (this.registry.isEmpty() && !this.subscriber.hasConnected()) {
			NodeSubscriber dropped = this.subscriber;
			this.subscriber = null;
			return new Placement(List.of(), List.of(dropped));
		}
		return new Placement(List.of(this.subscriber), List.of());
	}

	@Override
	protected Collection<NodeSubscriber> readers() {
		NodeSubscriber reader = current();
		return (reader != null) ? List.of(reader) : List.of();
	}

	@Override
	protected boolean allNodesDelivering() {
		NodeSubscriber reader = current();
		return reader != null && reader.isFullySubscribed();
	}

	@Override
	protected Set<String> channelsOn(RedisNode node) {
		Set<String> names = new LinkedHashSet<>();
		this.registry.channels().forEach((channel) -> names.add(channel.toString()));
		return names;
	}

	@Override
	protected void closeConnections() {
		NodeSubscriber closing = current();
		if (closing != null) {
			closing.close();
		}
	}

	@Override
	public String toString() {
		return "StandaloneKeyspaceNotifications[" + this.node + "]";
	}

	private void checkHealth() {
		NodeSubscriber checked = current();
		if (checked != null) {
			checked.checkHealth();
		}
	}

	private NodeSubscriber current() {
		this.stateLock.lock();
		try {
			return this.subscriber;
		}
		finally {
			this.stateLock.unlock();
		}
	}

}
