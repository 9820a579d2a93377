package io.keyspace.notifications;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.reader.ConnectionListener;
import io.keyspace.notifications.reader.ConnectionSettings;
import io.keyspace.notifications.reader.NodeSubscriber;
import io.keyspace.notifications.reader.RedisNode;

/**
 * Keyspace notifications from one Redis server over one subscriber connection. The
 * connection is opened by the first subscription (so a wrong address fails right there),
 * kept alive by periodic health checks and reconnected with backoff when it drops.
 */
public final class StandaloneKeyspaceNotifications extends AbstractKeyspaceNotifications {

	private final RedisNode node;

	private final ConnectionSettings settings;

	private NodeSubscriber subscriber; // guarded by this

	public StandaloneKeyspaceNotifications(String host, int port) {
		this(new RedisNode(host, port), ConnectionSettings.defaults(), NotificationOptions.defaults());
	}

	public StandaloneKeyspaceNotifications(RedisNode node, ConnectionSettings settings) {
		this(node, settings, NotificationOptions.defaults());
	}

	public StandaloneKeyspaceNotifications(RedisNode node, ConnectionSettings settings, NotificationOptions options) {
		super(settings, options);
		this.node = node;
		this.settings = settings;
	}

	public RedisNode node() {
		return this.node;
	}

	@Override
	public synchronized Map<RedisNode, Set<String>> serverSubscriptions() {
		return (this.subscriber != null) ? Map.of(this.node, this.subscriber.confirmedSubscriptions()) : Map.of();
	}

	@Override
	protected synchronized void activate(List<NotificationChannel> channels) {
		if (this.subscriber == null) {
			NodeSubscriber fresh = new NodeSubscriber(this.node, this.settings, this.router.newReaderListener(),
					ConnectionListener.NONE);
			fresh.start();
			this.subscriber = fresh;
			long interval = this.settings.healthCheckInterval().toMillis();
			if (interval > 0) {
				this.scheduler.scheduleAtFixedRate(fresh::checkHealth, interval, interval, TimeUnit.MILLISECONDS);
			}
		}
		subscribeAll(this.subscriber, channels);
	}

	@Override
	protected synchronized void deactivate(List<NotificationChannel> channels) {
		if (this.subscriber != null) {
			unsubscribeAll(this.subscriber, channels);
		}
	}

	@Override
	protected synchronized void closeConnections() {
		if (this.subscriber != null) {
			this.subscriber.close();
			this.subscriber = null;
		}
	}

	@Override
	public String toString() {
		return "StandaloneKeyspaceNotifications[" + this.node + "]";
	}

}
