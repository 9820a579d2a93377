package io.keyspace.notifications.internal.replication;

import java.util.List;
import java.util.Map;

import io.keyspace.notifications.RedisNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which replicas listed by {@code SENTINEL REPLICAS} can publish (the command's real field names). */
class SentinelTopologyReaderTest {

	@Test
	void leavesOutOnlyReplicasTheSentinelConsidersDown() {
		List<Map<String, String>> listed = List.of(
				replica("10.0.0.1", "6380", "slave", "ok"),
				replica("10.0.0.2", "6380", "slave", "err"),
				replica("10.0.0.3", "6380", "s_down,slave", "err"),
				replica("10.0.0.4", "6380", "s_down,o_down,slave", "err"),
				replica("10.0.0.5", "6380", "slave,disconnected", "ok"));

		assertThat(SentinelTopologyReader.healthyReplicas(listed))
			.containsExactly(new RedisNode("10.0.0.1", 6380), new RedisNode("10.0.0.2", 6380),
					new RedisNode("10.0.0.5", 6380));
	}

	private static Map<String, String> replica(String ip, String port, String flags, String link) {
		return Map.of("name", ip + ":" + port, "ip", ip, "port", port, "flags", flags, "master-link-status", link);
	}

}
