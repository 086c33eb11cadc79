using ChatRoom.Server.Hosting;

// ChatRoom server: a Kestrel ConnectionHandler speaking the line protocol on Chat:Port,
// health endpoints on Chat:HttpPort. See README.md for configuration.
ChatServerApp.Create(args).Run();
