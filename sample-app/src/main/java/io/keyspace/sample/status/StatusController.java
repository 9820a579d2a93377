package io.keyspace.sample.status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.MasterReplicaKeyspaceNotifications;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ResyncMetrics;
import io.keyspace.notifications.SentinelKeyspaceNotifications;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.sample.status.SampleStatus.Counts;
import io.keyspace.sample.status.SampleStatus.Gap;
import io.keyspace.sample.status.SampleStatus.NodeState;
import io.keyspace.sample.status.SampleStatus.Resync;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The library's own view of its state, from its public API, so the page does not depend on
 * the actuator health contributor (which {@code /actuator/health} shows as well).
 */
@RestController
class StatusController {

	private final ObjectProvider<KeyspaceNotifications> notifications;

	private final DataRedisConnectionDetails redis;

	private final GapLog gaps;

	private final ResyncLog resyncs;

	private final DeliveryCheck deliveryCheck;

	StatusController(ObjectProvider<KeyspaceNotifications> notifications, DataRedisConnectionDetails redis, GapLog gaps,
			ResyncLog resyncs, DeliveryCheck deliveryCheck) {
		this.notifications = notifications;
		this.redis = redis;
		this.gaps = gaps;
		this.resyncs = resyncs;
		this.deliveryCheck = deliveryCheck;
	}

	@GetMapping("/api/status")
	SampleStatus status() {
		KeyspaceNotifications notifications = this.notifications.getIfAvailable();
		if (notifications == null) {
			throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
					"The library is off (keyspace-notifications.enabled=false): nothing is subscribed");
		}
		boolean subscribed = notifications.isSubscribed();
		// Asked every time: with Sentinel the master is known only once the sentinels have answered.
		RedisAddress redis = RedisAddress.of(this.redis, notifications);
		return new SampleStatus(redis, subscribed, nodes(notifications, subscribed), counts(notifications.metrics()),
				gaps(), resync(notifications.metrics().resync()), this.deliveryCheck.problems(redis));
	}

	/**
	 * Per node, the channels its server confirmed. The API says whether all nodes deliver, not
	 * which one does not, so a node counts as subscribed while all are and it has channels.
	 */
	private static List<NodeState> nodes(KeyspaceNotifications notifications, boolean allSubscribed) {
		return serverSubscriptions(notifications).entrySet()
			.stream()
			.map((node) -> new NodeState(node.getKey().toString(), allSubscribed && !node.getValue().isEmpty(),
					node.getValue().size()))
			.toList();
	}

	private static Map<RedisNode, Set<String>> serverSubscriptions(KeyspaceNotifications notifications) {
		if (notifications instanceof StandaloneKeyspaceNotifications standalone) {
			return standalone.serverSubscriptions();
		}
		if (notifications instanceof SentinelKeyspaceNotifications sentinel) {
			return sentinel.serverSubscriptions();
		}
		if (notifications instanceof ClusterKeyspaceNotifications cluster) {
			return cluster.serverSubscriptions();
		}
		if (notifications instanceof MasterReplicaKeyspaceNotifications masterReplica) {
			return masterReplica.serverSubscriptions();
		}
		return Map.of(); // an application's own implementation
	}

	private static Counts counts(NotificationMetrics metrics) {
		Map<String, Long> dropped = new LinkedHashMap<>();
		for (DropReason reason : DropReason.values()) {
			dropped.put(reason.tag(), metrics.dropped(reason));
		}
		return new Counts(metrics.received(), metrics.delivered(), metrics.filtered(), metrics.malformed(), dropped,
				metrics.inFlight(), metrics.handlerErrors(), metrics.disconnects());
	}

	private List<Gap> gaps() {
		return this.gaps.recent()
			.stream()
			.map((gap) -> new Gap(gap.node(), gap.cause().name(), gap.start(), gap.end(), gap.channels().size(),
					gap.dropped()))
			.toList();
	}

	private Resync resync(ResyncMetrics metrics) {
		return new Resync(metrics.completed(), metrics.restarted(), metrics.failed(), metrics.keys(), metrics.running(),
				this.resyncs.last());
	}

}
