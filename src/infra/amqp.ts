import amqp from 'amqplib';

export type AmqpConnection = Awaited<ReturnType<typeof amqp.connect>>;
export type ConfirmChannel = Awaited<ReturnType<AmqpConnection['createConfirmChannel']>>;

export const connectAmqp = async (url: string): Promise<AmqpConnection> => {
  const connection = await amqp.connect(url, { timeout: 3000 });
  connection.on('error', () => undefined); // a lost connection is noticed through 'close' by its owner
  return connection;
};
