package io.statetree.autoconfigure;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.TypeRef;
import io.statetree.spring.OnStateChange;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests an application without Spring Boot's Jackson support (the starter no longer brings it):
 * StateTree's auto-configuration still starts, and the controller converts typed reads, writes of
 * records and listener parameters with its own plain mapper, keeping numbers exact.
 */
class WithoutBootJacksonTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withClassLoader(new FilteredClassLoader("org.springframework.boot.jackson"))
		.withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class));

	record Price(String currency, BigDecimal amount, long cents) {
	}

	static class Prices {

		final List<Price> heard = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnStateChange("/prices/*")
		void changed(Price price) {
			this.heard.add(price);
		}

	}

	@Test
	void startsWithoutAJsonMapperBeanAndConvertsWithExactNumbers() {
		this.runner.withBean("prices", Prices.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(JsonMapper.class);
			StateController controller = context.getBean(StateController.class);
			Price price = new Price("EUR", new BigDecimal("0.10"), 9_007_199_254_740_993L);
			controller.set("/prices/tea", price);
			Price read = controller.get("/prices/tea", Price.class);
			assertThat(read).isEqualTo(price);
			assertThat(read.amount().scale()).isEqualTo(2);
			controller.set("/big", new BigInteger("123456789012345678901234567890"));
			assertThat(controller.get("/big", BigInteger.class)).isEqualTo(new BigInteger("123456789012345678901234567890"));
			assertThat(controller.get("/prices", new TypeRef<Map<String, Price>>() {
			})).containsExactly(Map.entry("tea", price));
			assertThat(context.getBean(Prices.class).heard).containsExactly(price);
		});
	}

}
