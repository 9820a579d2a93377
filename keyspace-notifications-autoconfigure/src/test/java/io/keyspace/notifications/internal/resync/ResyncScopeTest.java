package io.keyspace.notifications.internal.resync;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;
import io.keyspace.notifications.internal.resync.ResyncScope.KeyGlob;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ResyncScopeTest {

	private static final byte[] PREFIX = "app*1:".getBytes(StandardCharsets.UTF_8);

	@Test
	void aChannelsKeyIsScannedAsWrittenItCarriesThePrefixAlready() {
		ResyncScope scope = ResyncScope.of(List.of(new KeyspaceChannel("app\\*1:acc:*", 2),
				new SubkeyspaceitemChannel("app\\*1:h:1", "f", 0)), null, PREFIX);
		assertThat(scope.globs()).containsExactly(new KeyGlob(2, "app\\*1:acc:*"), new KeyGlob(0, "app\\*1:h:1"));
		assertThat(scope.globs().get(0).literal()).isFalse();
		assertThat(scope.globs().get(1).literal()).isTrue();
		assertThat(new String(scope.globs().get(1).key(), StandardCharsets.UTF_8)).isEqualTo("app*1:h:1");
		assertThat(scope.matches(bytes("app*1:acc:7"))).isTrue();
		assertThat(scope.matches(bytes("appx1:acc:7"))).as("the prefix's * is literal").isFalse();
	}

	@Test
	void aKeyeventChannelScansItsFiltersKeysBehindTheEscapedPrefix() {
		ResyncScope scope = ResyncScope.of(List.of(new KeyeventChannel("expired")),
				KeyNotificationFilter.of(List.of("session:*", "cart:*"), List.of()), PREFIX);
		assertThat(scope.globs()).containsExactly(new KeyGlob(0, "app\\*1:session:*"), new KeyGlob(0, "app\\*1:cart:*"));
	}

	@Test
	void aKeyeventChannelWithoutKeysCannotBeResynced() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ResyncScope.of(List.of(new KeyeventChannel("expired")),
					KeyNotificationFilter.events("expired"), new byte[0]))
			.withMessageContaining("__keyevent@0__:expired names no key")
			.withMessageContaining("key = ");
	}

	@Test
	void aKeyFoundByTwoGlobsBelongsToTheFirstOnly() {
		ResyncScope scope = ResyncScope.of(List.of(new KeyspaceChannel("acc:*"), new KeyspaceChannel("acc:1*"),
				new KeyspaceChannel("acc:1*", 1)), null, new byte[0]);
		assertThat(scope.firstMatch(0, bytes("acc:12"))).isZero();
		assertThat(scope.firstMatch(1, bytes("acc:12"))).as("another database").isEqualTo(2);
		assertThat(scope.firstMatch(0, bytes("other"))).isEqualTo(-1);
	}

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

}
