package io.keyspace.notifications.actuate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.GroupStatus;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NodeStatus;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.listener.HandlerStatus;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code keyspacenotifications} Actuator endpoint: every handler (channels, client-side
 * filters, group, container, running, calls delivered and failed), every node read, every
 * group (sources forwarded here, pending and dead-lettered entries), the counters and the
 * recent gaps; {@code POST /actuator/keyspacenotifications/{id}} with
 * {@code {"running": false}} or {@code {"running": true}} stops or starts the handlers with
 * that id, group handlers included (their entries wait in the stream while stopped).
 * <p>
 * Exposed like any Boot endpoint: only when the application includes it in
 * {@code management.endpoints.web.exposure.include} (and, for the write operation, does not
 * restrict its access to read-only). It shows channel and key names, never a credential.
 */
@Endpoint(id = "keyspacenotifications")
public class KeyspaceNotificationsEndpoint {

	private final KeyspaceNotifications notifications;

	private final Map<String, KeyspaceNotificationListenerContainer> containers;

	private final RecentGaps recentGaps;

	/**
	 * @param containers the listener containers by bean name
	 * @param recentGaps the recent gaps, or {@code null} when none are kept
	 */
	public KeyspaceNotificationsEndpoint(KeyspaceNotifications notifications,
			Map<String, KeyspaceNotificationListenerContainer> containers, RecentGaps recentGaps) {
		this.notifications = notifications;
		this.containers = Map.copyOf(containers);
		this.recentGaps = recentGaps;
	}

	@ReadOperation
	public Report report() {
		List<Handler> handlers = new ArrayList<>();
		this.containers.forEach((name, container) -> container.statuses()
			.forEach((status) -> handlers.add(new Handler(name, status))));
		return new Report(handlers, this.notifications.nodes(), groups(), counters(this.notifications.metrics()),
				(this.recentGaps != null) ? this.recentGaps.gaps() : List.of());
	}

	/** Every group of every container that runs group handlers (never creating a lazy NotificationGroups). */
	private List<GroupStatus> groups() {
		Set<NotificationGroups> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<GroupStatus> groups = new ArrayList<>();
		for (KeyspaceNotificationListenerContainer container : this.containers.values()) {
			container.notificationGroups().filter(seen::add).ifPresent((g) -> groups.addAll(g.statuses()));
		}
		return groups;
	}

	/** One id's handlers, or 404 when no container has the id. */
	@ReadOperation
	public List<Handler> handler(@Selector String id) {
		List<Handler> found = find(id);
		return found.isEmpty() ? null : found;
	}

	/** Stops ({@code running=false}) or starts the handlers with this id in every container that has it. */
	@WriteOperation
	public List<Handler> running(@Selector String id, boolean running) {
		List<Handler> found = find(id);
		if (found.isEmpty()) {
			throw new InvalidEndpointRequestException("No @OnKeyEvent handler has the id '" + id + "'",
					"No handler with that id; GET /actuator/keyspacenotifications lists the ids");
		}
		for (Handler handler : found) {
			KeyspaceNotificationListenerContainer container = this.containers.get(handler.container());
			if (running) {
				container.start(id);
			}
			else {
				container.stop(id);
			}
		}
		return find(id);
	}

	private List<Handler> find(String id) {
		List<Handler> found = new ArrayList<>();
		this.containers.forEach((name, container) -> {
			if (container.endpointIds().contains(id)) {
				found.add(new Handler(name, container.status(id)));
			}
		});
		return found;
	}

	private static Map<String, Object> counters(NotificationMetrics metrics) {
		Map<String, Object> counters = new LinkedHashMap<>();
		counters.put("received", metrics.received());
		counters.put("delivered", metrics.delivered());
		counters.put("filtered", metrics.filtered());
		counters.put("malformed", metrics.malformed());
		Map<String, Long> dropped = new LinkedHashMap<>();
		for (DropReason reason : DropReason.values()) {
			dropped.put(reason.tag(), metrics.dropped(reason));
		}
		counters.put("dropped", dropped);
		counters.put("inFlight", metrics.inFlight());
		counters.put("queued", metrics.queued());
		counters.put("handlerErrors", metrics.handlerErrors());
		counters.put("disconnects", metrics.disconnects());
		counters.put("resync", KeyspaceNotificationsHealthIndicator.resyncDetails(metrics.resync()));
		return counters;
	}

	/**
	 * What the endpoint reads.
	 *
	 * @param handlers every handler id of every container
	 * @param nodes every node read
	 * @param groups every group this instance has a handler in: the sources it forwards, the
	 * group's pending and dead-lettered entries ({@link GroupStatus})
	 * @param counters the notifications' counters
	 * @param gaps the recent gaps, oldest first
	 */
	public record Report(List<Handler> handlers, List<NodeStatus> nodes, List<GroupStatus> groups,
			Map<String, Object> counters, List<NotificationGap> gaps) {
	}

	/**
	 * One id's handlers in one container.
	 *
	 * @param container the listener container's bean name
	 */
	public record Handler(String container, String id, List<String> channels, List<String> keys, List<String> events,
			String group, boolean resync, boolean running, long delivered, long failed) {

		Handler(String container, HandlerStatus status) {
			this(container, status.id(), status.channels(), status.keys(), status.events(), status.group(),
					status.resync(), status.running(), status.delivered(), status.failed());
		}

	}

}
