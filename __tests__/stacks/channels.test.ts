import { propertiesOf, synthStack } from "../helpers";

describe("chat channels: SecureString parameters to fill and the commands that fill and apply them", () => {
  it("creates one SecureString per channel token with the placeholder, never read back", () => {
    const { tf } = synthStack({ openclaw: { channels: ["telegram", "discord", "slack", "whatsapp"] } });
    const channelParameters = propertiesOf(tf, "aws_ssm_parameter").filter((p) => String(p.name).includes("/channels/"));
    expect(channelParameters.map((p) => [p.name, p.type, p.value, p.lifecycle]).sort()).toEqual(
      ["discord-bot-token", "slack-app-token", "slack-bot-token", "telegram-bot-token"].map((name) => [
        `/openclaw/openclaw/channels/${name}`,
        "SecureString",
        "pending",
        { ignore_changes: ["value"] },
      ]),
    );
  });

  it("outputs the exact put-parameter command per token (value from an env var, not the command line), the apply and the WhatsApp login commands", () => {
    const { tf } = synthStack({ openclaw: { channels: ["slack", "whatsapp"] } });
    const value = (name: string) => String(tf.output[name]?.value);
    expect(value("slack_bot_token_command")).toBe('aws ssm put-parameter --region us-east-1 --name /openclaw/openclaw/channels/slack-bot-token --type SecureString --overwrite --value "$SLACK_BOT_TOKEN"');
    expect(value("slack_app_token_command")).toBe('aws ssm put-parameter --region us-east-1 --name /openclaw/openclaw/channels/slack-app-token --type SecureString --overwrite --value "$SLACK_APP_TOKEN"');
    expect(value("channels_apply_command")).toMatch(/^aws ssm send-command --region us-east-1 --instance-ids \$\{aws_instance\..+\.id\} --document-name AWS-RunShellScript --parameters 'commands=\["\/usr\/local\/lib\/openclaw-aws\/boot-gateway\.sh"\]'$/);
    expect(value("whatsapp_login_command")).toMatch(/--document-name AWS-StartInteractiveCommand --parameters '\{"command":\["sudo openclaw channels login --channel whatsapp"\]\}'$/);
    expect(tf.output.telegram_bot_token_command).toBeUndefined();
  });

  it("has no channel parameter or output by default", () => {
    const { tf } = synthStack();
    expect(propertiesOf(tf, "aws_ssm_parameter").some((p) => String(p.name).includes("/channels/"))).toBe(false);
    expect(Object.keys(tf.output).filter((name) => /channel|whatsapp/.test(name))).toEqual([]);
  });
});
