package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.RedisNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** CLUSTER NODES as Redis 7.0 printed it with slots 100 and 200 being moved from A to B. */
class MigratingSlotsTest {

	private static final String ID_A = "bd878290c1d0a7c010658af6a538bb923785df74";

	private static final String ID_B = "b5ea8d4a8345c10118df16c49f6a1b8149e27ac2";

	private static final String ID_REPLICA = "54fb98aace89fb11b2f4a985bdfafe60477022df";

	/** What the migrating node A says: its own line shows where its slots go. */
	private static final String ON_A = String.join("\n",
			ID_REPLICA + " 127.0.0.1:17003@27003 slave " + ID_A + " 0 1796136510592 0 connected",
			ID_A + " 127.0.0.1:17001@27001 myself,master - 0 1796136506000 0 connected 0-8000 [100->-" + ID_B + "] [200->-"
					+ ID_B + "]",
			ID_B + " 127.0.0.1:17002@27002,b.example master - 0 1796136509583 2 connected 8001-16383", "");

	/** What the importing node B says: nothing about A's slots, only that it imports them. */
	private static final String ON_B = String.join("\n",
			ID_A + " 127.0.0.1:17001@27001 master - 0 1796136508569 0 connected 0-8000",
			ID_B + " 127.0.0.1:17002@27002 myself,master - 0 1796136509000 2 connected 8001-16383 [100-<-" + ID_A
					+ "] [200-<-" + ID_A + "]",
			"0123456789abcdef0123456789abcdef01234567 :0@0 master,noaddr - 0 0 0 disconnected", "");

	@Test
	void theMigratingNodeNamesEachSlotItIsMovingAndItsTarget() {
		MigratingSlots slots = MigratingSlots.parse(ON_A);

		assertThat(slots.targets()).isEqualTo(Map.of(100, ID_B, 200, ID_B));
		assertThat(slots.addresses()).containsEntry(ID_B, new RedisNode("127.0.0.1", 17002))
			.containsEntry(ID_REPLICA, new RedisNode("127.0.0.1", 17003));
	}

	@Test
	void importingAndOtherNodesMigrationsAreNotMigrationsOfTheAskedNode() {
		MigratingSlots slots = MigratingSlots.parse(ON_B);

		assertThat(slots.targets()).isEmpty();
		assertThat(slots.addresses()).containsOnlyKeys(ID_A, ID_B);
	}

	@Test
	void aTargetIsNamedAsTheSlotTableNamesItAndFromTheLineOtherwise() {
		RedisNode a = new RedisNode("a.example", 17001);
		RedisNode b = new RedisNode("b.example", 17002);
		SlotTable withB = SlotTable.fromSlots(List.of(List.of(0L, 8000L, List.of(bytes("a.example"), 17001L,
				bytes(ID_A))), List.of(8001L, 16383L, List.of(bytes("b.example"), 17002L, bytes(ID_B)))), a);
		SlotTable withoutB = SlotTable.fromSlots(List.of(List.of(0L, 16383L, List.of(bytes("a.example"), 17001L,
				bytes(ID_A)))), a);

		assertThat(MigratingSlots.parse(ON_A).resolve(withB)).isEqualTo(Map.of(100, b, 200, b));
		assertThat(MigratingSlots.parse(ON_A).resolve(withoutB))
			.isEqualTo(Map.of(100, new RedisNode("127.0.0.1", 17002), 200, new RedisNode("127.0.0.1", 17002)));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
