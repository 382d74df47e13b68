package io.statetree.sample;

import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.test.AutoConfigureStateTree;
import io.statetree.test.StateTreeTestEvents;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample tested as an application would test itself with {@code state-spring-boot-test}
 * (README "Testing your application"): the sample's files profile is asked for, yet the tree is
 * in memory; a test awaits the derived value and the audit entry its write causes; the next test
 * starts from the tree the sample started with (its initial state and derived values).
 */
@SpringBootTest(properties = { "statetree.backend=filesystem", "statetree.filesystem.directory=/proc/none/state" })
@AutoConfigureStateTree
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleTestSupportTest {

	@Autowired
	StateController state;

	@Autowired
	StateTreeTestEvents events;

	@Autowired
	AuditLog audit;

	@Test
	@Order(1)
	void demotingTheOnlyAdminIsDerivedAndAudited() {
		assertThat(this.state.get("/stats/admins", Integer.class)).isEqualTo(1);
		this.state.set("/users/alice/role", "member");
		assertThat(this.events.awaitEvent("/stats/admins", Duration.ofSeconds(5)).newValue()).isEqualTo(0);
		assertThat(this.audit.entries()).anySatisfy((entry) -> {
			assertThat(entry.subject()).isEqualTo("/users/alice");
			assertThat(entry.action()).isEqualTo("updated");
		});
	}

	@Test
	@Order(2)
	void theNextTestStartsFromTheSamplesInitialState() {
		assertThat(this.state.get("/users/alice/role")).isEqualTo("admin");
		assertThat(this.state.get("/stats/admins", Integer.class)).isEqualTo(1);
		assertThat(this.events.events()).isEmpty();
	}

}
