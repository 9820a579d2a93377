package io.keyspace.notifications;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GroupSettingsTest {

	@Test
	void defaultsAreUsableAndEachInstanceGetsItsOwnConsumerName() {
		GroupSettings defaults = GroupSettings.defaults();
		assertThat(defaults.streamKeyPrefix()).isEqualTo("keyspace-notifications:group:");
		assertThat(defaults.leaseTime()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.consumerName()).isNotEqualTo(GroupSettings.defaults().consumerName());
	}

	@Test
	void aValueThatCannotWorkIsRejectedNamingIt() {
		GroupSettings defaults = GroupSettings.defaults();
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withMaxLength(0)).withMessageContaining("maxLength");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withMaxDeliveries(0))
			.withMessageContaining("maxDeliveries");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withBatchSize(0)).withMessageContaining("batchSize");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withLeaseTime(Duration.ofMillis(10)))
			.withMessageContaining("leaseTime");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withClaimTimeout(Duration.ZERO))
			.withMessageContaining("claimTimeout");
	}

}
