package io.keyspace.notifications.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.GroupStatus;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NodeStatus;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.ResyncMetrics;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while every node that should deliver has its subscriptions confirmed (or nothing is
 * subscribed), DOWN while one is not (an outage, a failover in progress), OUT_OF_SERVICE while
 * the listener container is stopped. Details per node: state, channel count, last read,
 * messages received, reconnects and gaps, and {@code missingFlags} while the server-config check
 * finds the node's {@code notify-keyspace-events} without flags the subscriptions need; plus the
 * overall counters. Missing flags leave the status as it is: the connection is fine, and a DOWN
 * would have orchestrators restart instances, which cannot fix a server's setting (the WARN says
 * what does). Never a key name or a credential: nodes are named by {@code host:port},
 * channels only counted.
 * <p>
 * With group handlers, a {@code groups} detail: per group of the container's
 * {@link NotificationGroups}, its {@link GroupStatus} (the handler, whether it is paused here,
 * the nodes this instance forwards, entries pending and dead-lettered in Redis, the last
 * forward). It reads Redis on the health check's thread, within the client's timeouts. The
 * groups leave the status as it is: an idle group is fine, a backlog is for alerts, not for an
 * orchestrator's restarts, and a Redis that does not answer says so in the group's
 * {@code error}.
 * <p>
 * With resynced handlers ({@code @OnKeyEvent(resync = true)}), a {@code resync} detail: passes
 * completed, restarted by a new gap, failed (and retried), running or waiting, and the keys
 * resynced. A resync leaves the status as it is: it runs while delivery goes on.
 */
public class KeyspaceNotificationsHealthIndicator extends AbstractHealthIndicator {

	private final KeyspaceNotifications notifications;

	private final KeyspaceNotificationListenerContainer container;

	/** @param container the listener container, or {@code null} when there is none */
	public KeyspaceNotificationsHealthIndicator(KeyspaceNotifications notifications,
			KeyspaceNotificationListenerContainer container) {
		super("Keyspace notifications health check failed");
		this.notifications = notifications;
		this.container = container;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<NodeStatus> nodes = this.notifications.nodes();
		if (this.container != null && !this.container.isRunning()) {
			builder.outOfService();
		}
		else if (!this.notifications.hasSubscriptions() || this.notifications.isSubscribed()) {
			builder.up();
		}
		else {
			builder.down();
		}
		Map<String, Object> perNode = new LinkedHashMap<>();
		for (NodeStatus node : nodes) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", node.state());
			details.put("channels", node.channels());
			details.put("lastRead", node.lastRead());
			details.put("received", node.received());
			details.put("reconnects", node.reconnects());
			details.put("gaps", node.gaps());
			if (!node.missingFlags().isEmpty()) {
				details.put("missingFlags", node.missingFlags());
			}
			perNode.put(node.node(), details);
		}
		NotificationMetrics metrics = this.notifications.metrics();
		builder.withDetail("nodes", perNode)
			.withDetail("received", metrics.received())
			.withDetail("delivered", metrics.delivered())
			.withDetail("dropped", metrics.dropped())
			.withDetail("droppedByOverflow", metrics.dropped(DropReason.OVERFLOW))
			.withDetail("queued", metrics.queued());
		ResyncMetrics resync = metrics.resync();
		if (resync.completed() + resync.restarted() + resync.failed() + resync.running() > 0) {
			builder.withDetail("resync", resyncDetails(resync));
		}
		Map<String, Object> groups = groups();
		if (!groups.isEmpty()) {
			builder.withDetail("groups", groups);
		}
	}

	/** The resync counts, as the health and the endpoint show them. */
	static Map<String, Object> resyncDetails(ResyncMetrics resync) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("completed", resync.completed());
		details.put("restarted", resync.restarted());
		details.put("failed", resync.failed());
		details.put("running", resync.running());
		details.put("keys", resync.keys());
		return details;
	}

	/** Only once a group handler was subscribed: looking must not create a lazy groups bean. */
	private Map<String, Object> groups() {
		List<GroupStatus> statuses = (this.container != null)
				? this.container.notificationGroups().map(NotificationGroups::statuses).orElse(List.of()) : List.of();
		Map<String, Object> perGroup = new LinkedHashMap<>();
		for (GroupStatus status : statuses) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("handler", status.handler());
			details.put("paused", status.paused());
			details.put("sourcesLed", status.sourcesLed());
			details.put("pending", status.pending());
			details.put("deadLettered", status.deadLettered());
			details.put("lastForward", status.lastForward());
			if (status.error() != null) {
				details.put("error", status.error());
			}
			perGroup.put(status.group(), details);
		}
		return perGroup;
	}

}
