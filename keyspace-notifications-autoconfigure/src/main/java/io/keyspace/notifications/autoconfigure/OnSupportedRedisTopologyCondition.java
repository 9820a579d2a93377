package io.keyspace.notifications.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code spring.data.redis.*} selects a setup the starter cannot subscribe to
 * ({@link UnsupportedRedisTopology}). The no-match message names the property and the fix, so
 * the condition report and a "required a bean ... that could not be found" failure explain
 * why there is no notifications bean.
 */
class OnSupportedRedisTopologyCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Redis topology for keyspace notifications");
		return UnsupportedRedisTopology.in(context.getEnvironment())
			.map((topology) -> ConditionOutcome
				.noMatch(message.because(topology.problem() + ". " + UnsupportedRedisTopology.FIX)))
			.orElseGet(() -> ConditionOutcome.match(message.because("standalone or cluster")));
	}

}
